// The campaign lifecycle through the contract: what may start, what may change while sending, and
// what the user's decisions about failed and uncertain rows do.
import { afterEach, describe, expect, it } from 'vitest';
import type { EventPayloads, RequestInput, RequestName } from '../../shared/contract';
import { addRecipients, type Harness, limits, runUntil, startEngine } from '../helpers/engine-harness';

let h: Harness;
afterEach(async () => h?.close());

async function refused<N extends RequestName>(name: N, input: RequestInput<N>) {
  const r = await h.dispatch(name, input);
  if (r.ok) throw new Error(`${name} should have been refused`);
  return r.error;
}

async function campaignWith(recipients: string[], template?: { subject: string; body: string }) {
  const [outbox] = await h.call('accounts.list', {});
  await h.call('accounts.update', { id: outbox!.id, limits: limits({ perMinute: 1 }) });
  const c = await h.call('campaigns.create', {
    name: 'Spring',
    pool: [outbox!.id],
    ...(template ? { template: { ...template, format: 'html' as const, text: null } } : {}),
  });
  addRecipients(h, c.id, recipients);
  return c;
}

describe('campaign lifecycle', () => {
  it('will not start with a template syntax error, and says where it is', async () => {
    h = await startEngine();
    const c = await campaignWith(['a@example.test'], { subject: 'Hi', body: '<p>Hi {{first_name</p>' });
    const e = await refused('campaigns.start', { id: c.id });
    expect(e.code).toBe('template_invalid');
    expect(e.message).toMatch(/body has an error at line 1, column \d+/);
    expect(h.engine.store.campaigns.get(c.id)!.status).toBe('draft');
  });

  it('will not start when the template uses a field no recipient has', async () => {
    h = await startEngine();
    const c = await campaignWith(['a@example.test'], { subject: 'Hi {{nickname}}', body: '<p>x</p>' });
    const e = await refused('campaigns.start', { id: c.id });
    expect(e).toMatchObject({ code: 'template_invalid', message: expect.stringContaining('nickname') });
  });

  it('will not start with nobody to send to', async () => {
    h = await startEngine();
    const c = await campaignWith([]);
    expect(await refused('campaigns.start', { id: c.id })).toMatchObject({ code: 'conflict' });
  });

  it('keeps the message fixed while sending; a rename is fine; pause, resume and cancel', async () => {
    h = await startEngine();
    const c = await campaignWith(['a@example.test', 'b@example.test', 'c@example.test']);
    await h.call('campaigns.start', { id: c.id });
    const e = await refused('campaigns.update', {
      id: c.id,
      patch: { template: { subject: 'x', body: 'y', format: 'html', text: null } },
    });
    expect(e).toMatchObject({ code: 'conflict', message: expect.stringMatching(/Pause the campaign/) });
    expect((await h.call('campaigns.update', { id: c.id, patch: { name: 'Spring news' } })).name).toBe('Spring news');
    expect(await refused('campaigns.delete', { id: c.id })).toMatchObject({ code: 'conflict' });

    const paused = await h.call('campaigns.pause', { id: c.id });
    expect(paused).toMatchObject({ status: 'paused', pausedReason: null });
    expect((await h.call('campaigns.resume', { id: c.id })).status).toBe('sending');
    const cancelled = await h.call('campaigns.cancel', { id: c.id });
    expect(cancelled.status).toBe('cancelled');
    await h.settle();
    const counts = h.engine.store.recipients.counts(c.id);
    expect(counts.queued).toBe(0);
    expect(counts.sent + counts.skipped).toBe(3);
    expect(await refused('campaigns.resendUncertain', { id: c.id })).toMatchObject({ code: 'conflict' });
  });

  it('every status change is one event from the lifecycle table; an illegal one is refused with a sentence', async () => {
    h = await startEngine();
    const moves: EventPayloads['campaign.status'][] = [];
    const finished: EventPayloads['campaign.finished'][] = [];
    h.engine.hub.subscribe((event, payload) => {
      if (event === 'campaign.status') moves.push(payload as EventPayloads['campaign.status']);
      if (event === 'campaign.finished') finished.push(payload as EventPayloads['campaign.finished']);
    });
    const c = await campaignWith(['a@example.test']);
    expect(await refused('campaigns.pause', { id: c.id })).toMatchObject({
      code: 'conflict',
      message: 'Only a sending campaign can be paused.',
    });
    await h.call('campaigns.start', { id: c.id });
    expect(await refused('campaigns.start', { id: c.id })).toMatchObject({
      code: 'conflict',
      message: 'The campaign is already sending.',
    });
    await h.call('campaigns.pause', { id: c.id });
    expect(await refused('campaigns.pause', { id: c.id })).toMatchObject({
      message: 'The campaign is already paused.',
    });
    await h.call('campaigns.resume', { id: c.id });
    await runUntil(h, () => finished.length === 1, 10 * 60_000);
    expect(await refused('campaigns.resume', { id: c.id })).toMatchObject({ code: 'conflict' });
    expect(await refused('campaigns.cancel', { id: c.id })).toMatchObject({
      message: 'The campaign has already ended.',
    });
    const base = { campaignId: c.id, name: 'Spring', reason: null };
    expect(moves).toEqual([
      { ...base, from: 'draft', to: 'sending', cause: 'user' },
      { ...base, from: 'sending', to: 'paused', cause: 'user' },
      { ...base, from: 'paused', to: 'sending', cause: 'user' },
      { ...base, from: 'sending', to: 'done', cause: 'finished' },
    ]);
    expect(finished).toEqual([{ campaignId: c.id, name: 'Spring', counts: expect.objectContaining({ sent: 1 }) }]);
  });

  it('retry failed sends the failures again, but never to a suppressed address', async () => {
    h = await startEngine();
    const c = await campaignWith(['ok@example.test', 'bounced@example.test', 'later@example.test']);
    const { store } = h.engine;
    for (const r of store.recipients.list(c.id, { limit: 10 }).rows) {
      if (r.address === 'ok@example.test') continue;
      h.sql().prepare("UPDATE recipients SET state = 'failed', attempts = 5 WHERE id = ?").run(r.id);
    }
    store.suppressions.add([{ address: 'bounced@example.test', key: 'bounced@example.test' }], 'bounced', 'test', 0);
    expect(await h.call('campaigns.retryFailed', { id: c.id })).toEqual({ count: 2 });
    const rows = store.recipients.list(c.id, { limit: 10 }).rows;
    expect(rows.find((r) => r.address === 'bounced@example.test')!.state).toBe('skipped');
    expect(rows.find((r) => r.address === 'later@example.test')).toMatchObject({ state: 'queued', attempts: 0 });
    await h.call('campaigns.start', { id: c.id });
    await runUntil(h, () => store.recipients.counts(c.id).queued === 0, 60 * 60_000);
    expect(store.recipients.counts(c.id)).toMatchObject({ sent: 2, skipped: 1, failed: 0 });
  });

  it('reorders campaigns, and refuses an unknown id in the order', async () => {
    h = await startEngine();
    const a = await h.call('campaigns.create', { name: 'A' });
    const b = await h.call('campaigns.create', { name: 'B' });
    await h.call('campaigns.reorder', { ids: [b.id, a.id] });
    expect((await h.call('campaigns.list', {})).map((c) => c.name)).toEqual(['B', 'A']);
    expect(await refused('campaigns.reorder', { ids: [b.id, 999] })).toMatchObject({ code: 'not_found' });
  });
});
