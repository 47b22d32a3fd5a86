// @vitest-environment happy-dom
// The composer over a real engine: a merge field lands where the caret was, in the field that had
// it, however late the next event comes; drafts save themselves and on leaving.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../main/engine/clock';
import { DataProvider } from '../../renderer/src/data/data-provider';
import { Composer } from '../../renderer/src/features/composer/composer';
import { insertToken } from '../../renderer/src/features/composer/insert-token';
import type { CampaignSummary } from '../../shared/contract';
import { engineClient } from '../helpers/engine-client';
import { addRecipients, type Harness, startEngine } from '../helpers/engine-harness';

let h: Harness;
beforeAll(async () => {
  h = await startEngine({ clock: systemClock });
});
afterAll(() => h?.close());
afterEach(cleanup);

async function freshCampaign(name: string): Promise<CampaignSummary> {
  const c = await h.call('campaigns.create', { name });
  addRecipients(h, c.id, ['ada@example.com', 'grace@example.com']);
  const list = await h.call('campaigns.list', {});
  return list.find((x) => x.id === c.id)!;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

function mount(campaign: CampaignSummary) {
  return render(
    <DataProvider client={engineClient(h)}>
      <Composer campaign={campaign} />
    </DataProvider>,
  );
}

describe('insertToken', () => {
  it.each([
    ['at the caret', 'Hello !', 6, 6, 'Hello {{x}}!', 11],
    ['over a selection', 'Hello you!', 6, 9, 'Hello {{x}}!', 11],
    ['at the end without a caret', 'Hi ', null, null, 'Hi {{x}}', 8],
    ['clamped past the end', 'Hi', 10, 12, 'Hi{{x}}', 7],
  ] as const)('%s', (_t, value, start, end, out, caret) => {
    expect(insertToken(value, start, end, '{{x}}')).toEqual({ value: out, caret });
  });
});

describe('Composer', () => {
  it('puts each chip into the field that had the caret, even when the next field is reached late', async () => {
    const campaign = await freshCampaign('Chips');
    mount(campaign);
    const subject = screen.getByLabelText('Subject') as HTMLInputElement;
    const body = screen.getByLabelText('Body') as HTMLTextAreaElement;

    fireEvent.focus(subject);
    fireEvent.change(subject, { target: { value: 'Welcome, ' } });
    subject.setSelectionRange(9, 9);
    fireEvent.click(screen.getByRole('button', { name: '{{first_name}}' }));
    expect(subject.value).toBe('Welcome, {{first_name}}');

    // A loaded machine: the user reaches the body a while after the first insert.
    await pause(60);
    fireEvent.focus(body);
    fireEvent.change(body, { target: { value: '<h1>Hello </h1>' } });
    body.focus();
    body.setSelectionRange(10, 10);
    await pause(60);
    fireEvent.click(screen.getByRole('button', { name: '{{first_name}}' }));

    expect(subject.value).toBe('Welcome, {{first_name}}');
    expect(body.value).toBe('<h1>Hello {{first_name}}</h1>');
    expect(document.activeElement).toBe(body);
    expect(body.selectionStart).toBe(10 + '{{first_name}}'.length);
  });

  it('saves the draft by itself once typing stops', async () => {
    const campaign = await freshCampaign('Autosave');
    mount(campaign);
    fireEvent.change(screen.getByLabelText('Subject'), { target: { value: 'Saved without a click' } });
    expect(screen.getByTestId('save-state').textContent).toBe('Unsaved changes.');
    await waitFor(() => expect(screen.getByTestId('save-state').textContent).toBe('All changes saved.'), {
      timeout: 5000,
    });
    expect((await h.call('campaigns.get', { id: campaign.id })).template.subject).toBe('Saved without a click');
  });

  it('saves a pending edit when the composer is left before the delay', async () => {
    const campaign = await freshCampaign('Leave early');
    const view = mount(campaign);
    fireEvent.change(screen.getByLabelText('Subject'), { target: { value: 'Kept on a tab switch' } });
    view.unmount();
    await waitFor(async () =>
      expect((await h.call('campaigns.get', { id: campaign.id })).template.subject).toBe('Kept on a tab switch'),
    );
  });

  it('says saved again when an edit is typed back to what is stored', async () => {
    const campaign = await freshCampaign('Typed back');
    mount(campaign);
    const subject = screen.getByLabelText('Subject') as HTMLInputElement;
    const stored = subject.value;
    fireEvent.change(subject, { target: { value: `${stored}!` } });
    expect(screen.getByTestId('save-state').textContent).toBe('Unsaved changes.');
    fireEvent.change(subject, { target: { value: stored } });
    expect(screen.getByTestId('save-state').textContent).toBe('All changes saved.');
  });

  it('previews the List-Unsubscribe the first recipient will get, with their own token', async () => {
    const campaign = await freshCampaign('Unsubscribe preview');
    mount(campaign);
    const shown = await screen.findByTestId('preview-unsubscribe', {}, { timeout: 5000 });
    await waitFor(() =>
      expect(shown.textContent).toMatch(
        /List-Unsubscribe: <mailto:[^>]+\?subject=unsubscribe%20[0-9a-z]+-[0-9a-f]{20}>/,
      ),
    );
    expect(shown.textContent).toMatch(/this recipient’s own/);
    expect(screen.getByTestId('preview-to').textContent).toBe('ada@example.com');
  });
});
