// @vitest-environment happy-dom
// The dashboard's estimate as the engine gives it: a time only while the campaign is on its way,
// a wait that says until when, and nothing at all while paused.
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../main/engine/clock';
import { DataProvider } from '../../renderer/src/data/data-provider';
import { etaText, PaceCard } from '../../renderer/src/features/dashboard/pace-card';
import { formatTime } from '../../renderer/src/lib/format';
import type { CampaignEta } from '../../shared/domain';
import { engineClient } from '../helpers/engine-client';
import { addRecipients, type Harness, startEngine } from '../helpers/engine-harness';

const NOW = Date.UTC(2026, 0, 5, 9, 0, 0);
const HOUR = 3_600_000;

describe('etaText', () => {
  it.each<[string, CampaignEta, string]>([
    [
      'running',
      { state: 'running', at: NOW + 2 * HOUR, limitedBy: 'send gaps' },
      `${formatTime(NOW + 2 * HOUR)} (in 2.0 h), limited by send gaps`,
    ],
    [
      'outside the window',
      { state: 'window', opensAt: NOW + HOUR, at: NOW + 3 * HOUR, limitedBy: 'send window' },
      `Waiting for the send window to open at ${formatTime(NOW + HOUR)}; then done about ${formatTime(NOW + 3 * HOUR)} (in 3.0 h)`,
    ],
    [
      'scheduled',
      { state: 'scheduled', startsAt: NOW + HOUR, at: NOW + 2 * HOUR, limitedBy: 'send gaps' },
      `Starts at ${formatTime(NOW + HOUR)}; then done about ${formatTime(NOW + 2 * HOUR)} (in 2.0 h)`,
    ],
    ['paused', { state: 'paused' }, 'Paused: no estimate until it resumes'],
    ['draft', { state: 'draft' }, 'Not started'],
    [
      'no account',
      { state: 'blocked', reason: 'No account can send' },
      'No estimate: no account in the pool can send now',
    ],
    [
      'blocked otherwise',
      { state: 'blocked', reason: 'send window' },
      'No estimate: it cannot finish as things stand (send window)',
    ],
    ['nothing left', { state: 'none' }, 'Nothing left to send'],
  ])('%s', (_name, eta, expected) => {
    expect(etaText(eta, NOW)).toBe(expected);
  });
});

describe('PaceCard', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startEngine({ clock: systemClock });
  });
  afterAll(() => h?.close());
  afterEach(cleanup);

  it('shows the engine’s estimate, and none once the campaign is paused', async () => {
    const [outbox] = await h.call('accounts.list', {});
    // Slow enough that the campaign is still sending when it is paused.
    await h.call('accounts.update', { id: outbox!.id, limits: { perMinute: 1, perHour: 60, perDay: 1000 } });
    const c = await h.call('campaigns.create', { name: 'Pace', pool: [outbox!.id] });
    addRecipients(h, c.id, ['a@example.test', 'b@example.test', 'c@example.test']);
    await h.call('campaigns.start', { id: c.id });
    const mount = async () => {
      const progress = await h.call('campaigns.progress', { id: c.id });
      return render(
        <DataProvider client={engineClient(h)}>
          <PaceCard campaignId={c.id} progress={progress} />
        </DataProvider>,
      );
    };
    const sending = await mount();
    await waitFor(() => expect(screen.getByTestId('eta').textContent).toMatch(/, limited by /));
    sending.unmount();

    await h.call('campaigns.pause', { id: c.id });
    await mount();
    expect(screen.getByTestId('eta').textContent).toBe('Paused: no estimate until it resumes');
  });
});
