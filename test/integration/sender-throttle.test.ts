// Throttling that converges: against a server that takes 60 messages per rolling minute (as
// Postfix's anvil does) while the account's caps allow 120 with 8 in flight, the first burst is
// one throttling episode (one strike), the account learns the provider's pace, and 300 messages
// finish close to what the provider allows: 5 minutes at its pace, at most 1.5× that.
import { afterEach, describe, expect, it } from 'vitest';
import type { EventPayloads } from '../../shared/contract';
import { type AnvilServer, startAnvilServer } from '../helpers/anvil-server';
import { addRecipients, type Harness, limits, runUntil, startEngine } from '../helpers/engine-harness';
import type { ManualClock } from '../helpers/manual-clock';

const MIN = 60_000;
let h: Harness | null = null;
let server: AnvilServer | null = null;
afterEach(async () => {
  await h?.close();
  await server?.close();
  h = null;
  server = null;
});

describe('throttling that converges', () => {
  it('300 messages through a 60-a-minute provider with caps at 120 and 8 in flight', async () => {
    h = await startEngine();
    const clock = h.clock as ManualClock;
    server = await startAnvilServer({ perMinute: 60, now: () => clock.now() });
    const limited: EventPayloads['account.limited'][] = [];
    let finished: EventPayloads['campaign.finished'] | null = null;
    h.engine.hub.subscribe((event, payload) => {
      if (event === 'account.limited') limited.push(payload as EventPayloads['account.limited']);
      if (event === 'campaign.finished') finished = payload as EventPayloads['campaign.finished'];
    });
    const account = await h.call('accounts.addSmtp', {
      label: 'Postfix relay',
      fromName: 'Throttle',
      fromAddress: 'sender@example.test',
      preset: 'custom',
      smtp: { host: '127.0.0.1', port: server.port, security: 'none', username: null, timeoutMs: 5_000 },
      password: null,
      limits: limits({ perMinute: 120, perHour: 10_000, perDay: 100_000, maxConcurrent: 8 }),
      verify: false,
    });
    const c = await h.call('campaigns.create', { name: 'anvil', pool: [account.id] });
    addRecipients(
      h,
      c.id,
      Array.from({ length: 300 }, (_, i) => `r${i}@example.test`),
    );
    const t0 = clock.now();
    await h.call('campaigns.start', { id: c.id });
    // Once the pace is learned, the estimate counts with it, not with the caps' 120 a minute.
    await runUntil(h, () => server!.accepted.length >= 150, 30 * MIN);
    const progress = await h.call('campaigns.progress', { id: c.id });
    const left = 300 - progress.counts.sent;
    expect(progress.eta.state).toBe('running');
    const etaMin = progress.eta.state === 'running' ? (progress.eta.at - clock.now()) / MIN : 0;
    expect(etaMin).toBeGreaterThanOrEqual(left / 60);
    await runUntil(h, () => finished !== null, 30 * MIN);
    const took = clock.now() - t0;

    expect(finished!.counts).toMatchObject({ sent: 300, failed: 0, uncertain: 0, queued: 0 });
    // Each address exactly once.
    expect(new Set(server.accepted.map((a) => a.to)).size).toBe(300);
    expect(server.accepted).toHaveLength(300);
    // The provider's pace is 5 minutes for 300; the target is within 1.5× of it.
    expect(took).toBeLessThanOrEqual(7.5 * MIN);
    // The burst on the wire when the provider first said no is one episode: one strike, one event.
    const throttles = limited.filter((l) => l.cause === 'throttle');
    expect(throttles.length).toBeGreaterThanOrEqual(1);
    expect(throttles.length).toBeLessThanOrEqual(2);
    // Once learned, the pace keeps under the provider's limit: the refusals are the first burst's
    // sends on the wire, not one more minute of hammering.
    expect(server.refused).toBeLessThanOrEqual(8);
    const rows = h.engine.store.recipients.list(c.id, { limit: 300 }).rows;
    expect(rows.every((r) => r.attempts === 1)).toBe(true);
    console.log(
      `anvil 60/min, caps 120/min, 8 in flight: 300 sent in ${(took / MIN).toFixed(2)} min of provider time; ` +
        `${server.refused} answers of 450 (attempts given back, none spent), ${throttles.length} throttling episode(s)`,
    );
  });
});
