// @vitest-environment happy-dom
// The dashboard's uncertain rows over a real engine: each row says in plain words how far its
// handover got, and a selection is resent without touching the other rows.
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../main/engine/clock';
import { DataProvider } from '../../renderer/src/data/data-provider';
import { UncertainRows } from '../../renderer/src/features/dashboard/uncertain-rows';
import { engineClient } from '../helpers/engine-client';
import { addRecipients, type Harness, startEngine } from '../helpers/engine-harness';
import { recordOutcome } from '../helpers/outcomes';

let h: Harness;
beforeAll(async () => {
  h = await startEngine({ clock: systemClock });
});
afterAll(() => h?.close());
afterEach(cleanup);

/** One uncertain row per way a row becomes uncertain, in address order. */
async function uncertainCampaign() {
  const [outbox] = await h.call('accounts.list', {});
  const c = await h.call('campaigns.create', { name: 'Unknown outcomes', pool: [outbox!.id] });
  const addresses = ['smtp@example.test', 'gmail@example.test', 'copied@example.test', 'stopped@example.test'];
  addRecipients(h, c.id, addresses);
  const { store } = h.engine;
  const now = Date.now();
  const claim = (i: number) => store.recipients.claim(c.id, outbox!.id, now, 60_000, () => `<u${i}-${c.id}@x>`)!;
  const [smtp, gmail, copied] = [claim(0), claim(1), claim(2), claim(3)];
  recordOutcome(
    store,
    smtp!,
    { state: 'uncertain', error: 'Connection closed (ECONNRESET)', handover: 'smtp_body_sent' },
    now,
  );
  recordOutcome(store, gmail!, { state: 'uncertain', error: 'socket hang up', handover: 'gmail_body_sent' }, now);
  store.outbox.add({
    campaignId: c.id,
    recipientId: copied!.id,
    messageId: copied!.messageId,
    to: copied!.address,
    subject: 'Hi',
    path: 'copied.eml',
    createdAt: now,
  });
  // What the next start does with the two rows still on the wire.
  store.recipients.sendingToUncertain(now);
  return { campaignId: c.id, ids: [smtp!.id, gmail!.id, copied!.id] };
}

function mount(campaignId: number) {
  return render(
    <DataProvider client={engineClient(h)}>
      <UncertainRows campaignId={campaignId} count={4} />
    </DataProvider>,
  );
}

describe('UncertainRows', () => {
  it('says how far each handover got', async () => {
    const { campaignId } = await uncertainCampaign();
    mount(campaignId);
    await waitFor(() => expect(screen.getAllByTestId('uncertain-row')).toHaveLength(4));
    const rows = screen.getAllByTestId('uncertain-row');
    const said = rows.map((r) => [
      within(r).getAllByRole('cell')[1]!.textContent,
      within(r).getByTestId('handover').textContent,
    ]);
    expect(said).toEqual([
      [
        'smtp@example.test',
        'The whole message reached the mail server; the connection broke before it confirmed.Connection closed (ECONNRESET)',
      ],
      [
        'gmail@example.test',
        'The request to Gmail was under way; no answer came. Gmail may or may not have sent it.socket hang up',
      ],
      ['copied@example.test', 'The local outbox stored this message before the app stopped: it arrived there.'],
      ['stopped@example.test', 'The app stopped while this was being sent.'],
    ]);
    // The stored copy is one click away; the row the app stopped on has none.
    expect(within(rows[2]!).getByRole('link', { name: 'Outbox copy' })).toBeTruthy();
    expect(within(rows[3]!).queryByRole('link')).toBeNull();
  });

  it('resends only the selected rows', async () => {
    const { campaignId, ids } = await uncertainCampaign();
    mount(campaignId);
    await waitFor(() => expect(screen.getAllByTestId('uncertain-row')).toHaveLength(4));
    fireEvent.click(screen.getByLabelText('Select gmail@example.test'));
    fireEvent.click(screen.getByRole('button', { name: 'Resend selected (1)' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Resend' }));
    await waitFor(() => expect(screen.getAllByTestId('uncertain-row')).toHaveLength(3));
    expect(h.engine.store.recipients.get(ids[1]!)).toMatchObject({ state: 'queued' });
    expect(h.engine.store.recipients.get(ids[0]!)).toMatchObject({ state: 'uncertain' });
  });
});
