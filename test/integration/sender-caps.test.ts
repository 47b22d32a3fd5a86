// Per-minute, per-hour and rolling-24-hour caps hold exactly, gaps are honoured, and the caps
// survive a restart because they are counted from the ledger, not from memory.
import { describe, expect, it } from 'vitest';
import { addRecipients, type Harness, limits, runFor, runUntil, startEngine } from '../helpers/engine-harness';
import type { ManualClock } from '../helpers/manual-clock';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

function maxInWindow(times: number[], windowMs: number): number {
  let best = 0;
  let j = 0;
  for (let i = 0; i < times.length; i++) {
    while (times[i]! - times[j]! >= windowMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

describe('throttled sender with a manual clock', () => {
  it('never exceeds per-minute, per-hour and 24-hour caps, across a restart', async () => {
    const caps = limits({
      perMinute: 5,
      perHour: 20,
      perDay: 32,
      reserve: 4,
      minGapMs: 1_000,
      maxGapMs: 4_000,
      maxConcurrent: 2,
    });
    let h = await startEngine();
    const dataDir = h.dataDir;
    const clock = h.clock as ManualClock;
    const [outbox] = await h.call('accounts.list', {});
    await h.call('accounts.update', { id: outbox!.id, limits: caps });
    const c = await h.call('campaigns.create', { name: 'caps', pool: [outbox!.id] });
    addRecipients(
      h,
      c.id,
      Array.from({ length: 100 }, (_, i) => `r${i}@example.test`),
    );
    await h.call('campaigns.start', { id: c.id });
    const t0 = clock.now();

    // Three virtual hours: the hourly cap binds first, then the daily budget (32 - reserve 4).
    await runFor(h, 3 * HOUR);
    let times = ledgerTimes(h);
    expect(times.length).toBe(28);
    expect(maxInWindow(times, MIN)).toBeLessThanOrEqual(5);
    expect(maxInWindow(times, HOUR)).toBeLessThanOrEqual(20);
    expect(maxInWindow(times, MIN)).toBe(5); // the cap is used, not just respected
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(1_000);
    const progress = await h.call('campaigns.progress', { id: c.id });
    expect(progress.counts.sent).toBe(28);
    expect(progress.waiting?.reason).toMatch(/daily limit/);
    expect(progress.waiting?.until).toBe(times[0]! + DAY);
    expect(progress.eta).toMatchObject({ state: 'running', limitedBy: expect.stringMatching(/daily/) });

    // Restart on the same database: the 24-hour budget is still spent.
    await h.close();
    h = await startEngine({ dataDir, clock });
    await runFor(h, 6 * HOUR);
    expect(ledgerTimes(h).length).toBe(28);

    // Once the first sends leave the 24-hour window, sending resumes — and still within caps.
    await runFor(h, t0 + DAY + 2 * HOUR - clock.now());
    times = ledgerTimes(h);
    expect(times.length).toBeGreaterThan(28);
    for (let i = 0; i < times.length; i++) {
      const inDay = times.filter((t) => t > times[i]! - DAY && t <= times[i]!).length;
      expect(inDay).toBeLessThanOrEqual(28);
    }
    expect(maxInWindow(times, MIN)).toBeLessThanOrEqual(5);
    expect(maxInWindow(times, HOUR)).toBeLessThanOrEqual(20);
    const counts = h.engine.store.recipients.counts(c.id);
    expect(counts.sent).toBe(times.length);
    expect(counts.sent + counts.queued).toBe(100);
    await h.close();
  });

  it('does not start before the scheduled time and says why', async () => {
    const h = await startEngine();
    const clock = h.clock as ManualClock;
    const [outbox] = await h.call('accounts.list', {});
    const start = clock.now() + 2 * HOUR;
    const c = await h.call('campaigns.create', { name: 'later', pool: [outbox!.id], scheduleAt: start });
    addRecipients(h, c.id, ['a@example.test', 'b@example.test']);
    await h.call('campaigns.start', { id: c.id });
    await h.settle();
    let p = await h.call('campaigns.progress', { id: c.id });
    expect(p.counts.sent).toBe(0);
    expect(p.waiting).toEqual({ reason: 'Scheduled to start', until: start });
    await runUntil(h, () => h.engine.store.recipients.counts(c.id).sent === 2, 3 * HOUR);
    expect(ledgerTimes(h).every((t) => t >= start)).toBe(true);
    p = await h.call('campaigns.progress', { id: c.id });
    expect(p.status).toBe('done');
    await h.close();
  });

  it('sends only inside the send window of its time zone', async () => {
    const h = await startEngine();
    const clock = h.clock as ManualClock; // starts Monday 2026-01-05 09:00 UTC = 10:00 in Berlin
    const [outbox] = await h.call('accounts.list', {});
    await h.call('accounts.update', { id: outbox!.id, limits: limits({ perMinute: 1 }) });
    const c = await h.call('campaigns.create', {
      name: 'window',
      pool: [outbox!.id],
      window: { timeZone: 'Europe/Berlin', days: [1, 2, 3, 4, 5], startMinute: 9 * 60, endMinute: 10 * 60 + 30 },
    });
    addRecipients(
      h,
      c.id,
      Array.from({ length: 60 }, (_, i) => `w${i}@example.test`),
    );
    await h.call('campaigns.start', { id: c.id });
    await runFor(h, 26 * HOUR);
    for (const t of ledgerTimes(h)) {
      const local = new Intl.DateTimeFormat('en-GB', {
        timeZone: 'Europe/Berlin',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      }).format(t);
      expect(local >= '09:00' && local < '10:30', local).toBe(true);
    }
    // 30 minutes on Monday, 60 more on Tuesday morning, at one a minute: all 60 sent by then.
    expect(h.engine.store.recipients.counts(c.id).sent).toBe(60);
    expect(clock.now()).toBeGreaterThan(Date.UTC(2026, 0, 6, 8, 0));
    await h.close();
  });

  it('estimates a later campaign behind the work queued ahead of it on a shared account', async () => {
    const h = await startEngine();
    const [outbox] = await h.call('accounts.list', {});
    await h.call('accounts.update', { id: outbox!.id, limits: limits({ perMinute: 10, perHour: 600 }) });
    const first = await h.call('campaigns.create', { name: 'first', pool: [outbox!.id] });
    const second = await h.call('campaigns.create', { name: 'second', pool: [outbox!.id] });
    addRecipients(
      h,
      first.id,
      Array.from({ length: 100 }, (_, i) => `f${i}@example.test`),
    );
    addRecipients(
      h,
      second.id,
      Array.from({ length: 10 }, (_, i) => `s${i}@example.test`),
    );
    await h.call('campaigns.start', { id: first.id });
    await h.call('campaigns.start', { id: second.id });
    const a = await h.call('campaigns.progress', { id: first.id });
    const b = await h.call('campaigns.progress', { id: second.id });
    // Ten messages alone would take about a minute; behind the first campaign's hundred, about eleven.
    if (a.eta.state !== 'running' || b.eta.state !== 'running') throw new Error('both campaigns are sending');
    expect(b.eta.at - h.clock.now()).toBeGreaterThan(a.eta.at - h.clock.now());
    expect(b.eta.at - h.clock.now()).toBeGreaterThan(9 * MIN);
    await h.close();
  });
});

function ledgerTimes(h: Harness): number[] {
  return (h.sql().prepare('SELECT at FROM send_ledger ORDER BY at').all() as { at: number }[]).map((r) => r.at);
}
