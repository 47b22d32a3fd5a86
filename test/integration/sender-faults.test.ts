// The whole send path against real SMTP servers on loopback that inject faults: each class of
// failure leads to the right outcome, the account cools down or asks for re-auth, work moves to
// the other account, and nothing is lost or sent twice.
import { afterEach, describe, expect, it } from 'vitest';
import type { EventName } from '../../shared/contract';
import { addRecipients, type Harness, limits, runFor, runUntil, startEngine } from '../helpers/engine-harness';
import type { ManualClock } from '../helpers/manual-clock';
import { delayed, type Fault, type FaultServer, held, startFaultServer } from '../helpers/smtp-fault-server';

const MIN = 60_000;
const servers: FaultServer[] = [];
const harnesses: Harness[] = [];
afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((h) => h.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function server(
  script: (ctx: { rcpt: string; attempt: number }) => Fault,
  auth?: { user: string; pass: string },
) {
  const s = await startFaultServer({ script, ...(auth ? { auth } : {}) });
  servers.push(s);
  return s;
}

async function setup(
  specs: { server: FaultServer; perMinute: number; auth?: { user: string; pass: string }; timeoutMs?: number }[],
  recipients: number,
  campaign: { maxAttempts?: number } = {},
) {
  const h = await startEngine();
  harnesses.push(h);
  const events: { event: EventName; payload: unknown }[] = [];
  h.engine.hub.subscribe((event, payload) => events.push({ event, payload }));
  const pool: number[] = [];
  for (const [i, s] of specs.entries()) {
    const a = await h.call('accounts.addSmtp', {
      label: `Account ${String.fromCharCode(65 + i)}`,
      fromName: 'Faults',
      fromAddress: `sender${i}@example.test`,
      preset: 'custom',
      smtp: {
        host: '127.0.0.1',
        port: s.server.port,
        security: 'none',
        username: s.auth?.user ?? null,
        timeoutMs: s.timeoutMs ?? 5_000,
      },
      password: s.auth?.pass ?? null,
      limits: limits({ perMinute: s.perMinute, maxConcurrent: 1 }),
      verify: false,
    });
    pool.push(a.id);
  }
  const c = await h.call('campaigns.create', {
    name: 'faults',
    pool,
    rotation: 'round_robin',
    retry: { maxAttempts: campaign.maxAttempts ?? 4, baseDelayMs: MIN, maxDelayMs: 10 * MIN },
  });
  const addresses = Array.from({ length: recipients }, (_, i) => `user${i}@example.test`);
  addRecipients(h, c.id, addresses);
  await h.call('campaigns.start', { id: c.id });
  return { h, c, pool, addresses, events };
}

function deliveries(...ss: FaultServer[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const s of ss) for (const r of s.received) for (const to of r.to) m.set(to, (m.get(to) ?? 0) + 1);
  return m;
}

const accept: Fault = { kind: 'accept' };

describe('send path with injected SMTP faults', () => {
  it('rotates two accounts of different caps and delivers each message exactly once', async () => {
    const a = await server(() => accept);
    const b = await server(() => accept);
    const { h, c, addresses } = await setup(
      [
        { server: a, perMinute: 3 },
        { server: b, perMinute: 6 },
      ],
      40,
    );
    await runUntil(h, () => h.engine.store.recipients.counts(c.id).sent === 40, 30 * MIN);
    const got = deliveries(a, b);
    expect([...got.values()].every((n) => n === 1)).toBe(true);
    expect([...got.keys()].sort()).toEqual([...addresses].sort());
    expect(a.received.length).toBeGreaterThan(0);
    expect(b.received.length).toBeGreaterThan(a.received.length); // B has twice A's per-minute cap
    expect((await h.call('campaigns.get', { id: c.id })).status).toBe('done');
  });

  it.each([
    ['421 4.7.0 Try again later', 421],
    ['450 4.7.1 Too many connections, slow down', 450],
    ['451 4.7.1 Please try again later', 451],
    ['452 4.5.3 Too many recipients, slow down', 452],
    ['454 Throttling failure: Maximum sending rate exceeded.', 454],
  ])('throttle (%s): requeued with no attempt spent, account cooled down, work moves on', async (message, code) => {
    const a = await server(() => ({ kind: 'reply', stage: 'rcpt', code, message: message.replace(/^\d+ /, '') }));
    const b = await server(() => accept);
    const { h, c, pool, events } = await setup(
      [
        { server: a, perMinute: 30 },
        { server: b, perMinute: 30 },
      ],
      10,
    );
    await runUntil(h, () => h.engine.store.recipients.counts(c.id).sent === 10, 60 * MIN);
    const limited = events.filter((e) => e.event === 'account.limited').map((e) => e.payload);
    expect(limited[0]).toMatchObject({ accountId: pool[0], label: 'Account A', cause: 'throttle' });
    expect(deliveries(a).size).toBe(0);
    expect(deliveries(b).size, JSON.stringify(b.received.map((r) => r.to))).toBe(10);
    const rows = h.engine.store.recipients.list(c.id, { limit: 100 }).rows;
    expect(rows.every((r) => r.state === 'sent' && r.attempts === 1 && r.accountId === pool[1])).toBe(true);
    const accountA = h.engine.store.accounts.get(pool[0]!)!;
    expect(accountA.cooldownUntil).toBeGreaterThan(0);
    expect(accountA.lastError).toContain(String(code));
  });

  it('cools a throttled account down longer each time', async () => {
    const a = await server(() => ({ kind: 'reply', stage: 'mail', code: 421, message: '4.7.0 Try again later' }));
    const { h, c, pool } = await setup([{ server: a, perMinute: 30 }], 3);
    const clock = h.clock as ManualClock;
    const cooldowns: number[] = [];
    for (let i = 0; i < 4; i++) {
      await runUntil(h, () => (h.engine.store.accounts.get(pool[0]!)!.cooldownUntil ?? 0) > clock.now(), 2 * 60 * MIN);
      const acc = h.engine.store.accounts.get(pool[0]!)!;
      cooldowns.push(acc.cooldownUntil! - clock.now());
      clock.advance(acc.cooldownUntil! - clock.now());
    }
    await h.settle();
    for (let i = 1; i < cooldowns.length; i++) expect(cooldowns[i]!).toBeGreaterThan(cooldowns[i - 1]!);
    expect(h.engine.store.recipients.counts(c.id)).toMatchObject({ queued: 3, sent: 0, failed: 0 });
    expect(h.engine.store.recipients.list(c.id, { limit: 10 }).rows.every((r) => r.attempts === 0)).toBe(true);
  });

  it('quota spent (550 5.4.5): the account rests, the other account sends the rest', async () => {
    let sent = 0;
    const a = await server(() =>
      ++sent <= 2 ? accept : { kind: 'reply', stage: 'data', code: 550, message: '5.4.5 Daily sending quota exceeded' },
    );
    const b = await server(() => accept);
    const { h, c, pool, events } = await setup(
      [
        { server: a, perMinute: 30 },
        { server: b, perMinute: 30 },
      ],
      12,
    );
    const clock = h.clock as ManualClock;
    await runUntil(h, () => h.engine.store.recipients.counts(c.id).sent === 12, 60 * MIN);
    const got = deliveries(a, b);
    expect(got.size).toBe(12);
    expect([...got.values()].every((n) => n === 1)).toBe(true);
    const accountA = h.engine.store.accounts.get(pool[0]!)!;
    expect(accountA.cooldownUntil! - clock.now()).toBeGreaterThan(20 * 60 * MIN);
    const limited = events.filter((e) => e.event === 'account.limited').map((e) => e.payload);
    expect(limited).toEqual([
      expect.objectContaining({ accountId: pool[0], cause: 'quota', until: accountA.cooldownUntil }),
    ]);
  });

  it('wrong password (535): the account needs re-auth, the user is told, its rows go to the other account', async () => {
    const a = await server(() => accept, { user: 'alice', pass: 'right-password' });
    const b = await server(() => accept);
    const { h, c, pool, events } = await setup(
      [
        { server: a, perMinute: 30, auth: { user: 'alice', pass: 'wrong-password' } },
        { server: b, perMinute: 30 },
      ],
      8,
    );
    await runUntil(h, () => h.engine.store.recipients.counts(c.id).sent === 8, 30 * MIN);
    expect(deliveries(b).size).toBe(8);
    expect(h.engine.store.accounts.get(pool[0]!)!.status).toBe('needs_reauth');
    const reauth = events.filter((e) => e.event === 'account.needsReauth');
    expect(reauth).toHaveLength(1);
    expect(reauth[0]!.payload).toMatchObject({ accountId: pool[0] });
    expect(JSON.stringify(events)).not.toContain('wrong-password');
  });

  it('unknown recipient (550 5.1.1): fails once, never retried, added to suppressions as bounced', async () => {
    const a = await server(({ rcpt }) =>
      rcpt.startsWith('user3@')
        ? {
            kind: 'reply',
            stage: 'rcpt',
            code: 550,
            message: '5.1.1 The email account that you tried to reach does not exist',
          }
        : accept,
    );
    const { h, c } = await setup([{ server: a, perMinute: 60 }], 6);
    await runUntil(h, () => h.engine.store.recipients.counts(c.id).queued === 0, 30 * MIN);
    const counts = h.engine.store.recipients.counts(c.id);
    expect(counts).toMatchObject({ sent: 5, failed: 1 });
    const failed = h.engine.store.recipients.list(c.id, { state: 'failed', limit: 5 }).rows[0]!;
    expect(failed).toMatchObject({ address: 'user3@example.test', errorClass: 'recipient', attempts: 1 });
    expect(h.engine.store.suppressions.has('user3@example.test')).toBe(true);
    const p = await h.call('campaigns.progress', { id: c.id });
    expect(p.failures).toEqual([expect.objectContaining({ errorClass: 'recipient', count: 1 })]);
  });

  it('connection dropped while the message was handed over: uncertain, never resent until the user says so', async () => {
    const a = await server(({ attempt }) => (attempt === 1 ? { kind: 'drop', stage: 'data' } : accept));
    const { h, c } = await setup([{ server: a, perMinute: 60 }], 5);
    await runUntil(h, () => h.engine.store.recipients.counts(c.id).uncertain === 5, 60 * MIN);
    await runFor(h, 60 * MIN);
    expect(deliveries(a).size).toBe(0);
    expect(h.engine.store.recipients.counts(c.id)).toMatchObject({ uncertain: 5, queued: 0, sent: 0 });
    const paused = h.engine.store.campaigns.get(c.id)!;
    expect(paused.status).toBe('paused');
    expect(paused.pausedReason).toMatch(/unknown outcome/);
    const page = await h.call('campaigns.uncertain', { id: c.id, limit: 10 });
    expect(page.rows.map((r) => [r.cause, r.handover])).toEqual(Array(5).fill(['interrupted', 'smtp_body_sent']));
    // The user decides to resend: each is delivered exactly once, with its original Message-ID.
    const ids = h.engine.store.recipients.list(c.id, { limit: 10 }).rows.map((r) => r.messageId);
    expect(await h.call('campaigns.resendUncertain', { id: c.id })).toEqual({ count: 5 });
    await runUntil(h, () => h.engine.store.recipients.counts(c.id).sent === 5, 60 * MIN);
    const got = deliveries(a);
    expect(got.size).toBe(5);
    expect([...got.values()].every((n) => n === 1)).toBe(true);
    expect(a.received.map((r) => r.messageId).sort()).toEqual([...ids].sort());
  });

  it('a server that stalls after the end of DATA: uncertain, the whole message handed over', async () => {
    let release = () => {};
    const released = new Promise<void>((r) => {
      release = r;
    });
    // The server holds its reply past the client's socket timeout, then accepts (too late).
    const a = await server(() => held(released, accept));
    try {
      const { h, c } = await setup([{ server: a, perMinute: 60, timeoutMs: 2_000 }], 1);
      await runUntil(h, () => h.engine.store.recipients.counts(c.id).uncertain === 1, 10 * MIN);
      const [row] = (await h.call('campaigns.uncertain', { id: c.id, limit: 10 })).rows;
      expect(row).toMatchObject({ cause: 'interrupted', handover: 'smtp_body_sent', address: 'user0@example.test' });
      expect(row!.lastError).toMatch(/ETIMEDOUT|timeout/i);
      // A row queued again forgets how far its last handover got.
      await h.call('campaigns.resendUncertain', { id: c.id });
      const again = h.sql().prepare('SELECT state, uncertain_cause, handover FROM recipients').get();
      expect(again).toMatchObject({ uncertain_cause: null, handover: null });
    } finally {
      release();
    }
  });

  it('“Mark as sent” closes uncertain rows without a send time and finishes the campaign', async () => {
    const a = await server(() => ({ kind: 'drop', stage: 'data' }));
    const { h, c } = await setup([{ server: a, perMinute: 60 }], 2);
    await runUntil(h, () => h.engine.store.campaigns.get(c.id)!.status === 'paused', 30 * MIN);
    expect(await h.call('campaigns.markUncertainSent', { id: c.id })).toEqual({ count: 2 });
    await runUntil(h, () => h.engine.store.campaigns.get(c.id)!.status === 'done', 10 * MIN);
    const rows = h.engine.store.recipients.list(c.id, { limit: 5 }).rows;
    expect(rows.every((r) => r.state === 'sent' && r.sentAt === null)).toBe(true);
    const p = await h.call('campaigns.progress', { id: c.id });
    expect(p.ratePerMinute.last1).toBe(0);
    expect(deliveries(a).size).toBe(0);
  });

  it('a server that cannot be reached is retried with backoff, then fails after the max attempts', async () => {
    const gone = await server(() => accept);
    const port = gone.port;
    await gone.close();
    servers.splice(servers.indexOf(gone), 1);
    const h = await startEngine();
    harnesses.push(h);
    const acc = await h.call('accounts.addSmtp', {
      label: 'Nowhere',
      fromName: 'Faults',
      fromAddress: 'nowhere@example.test',
      preset: 'custom',
      smtp: { host: '127.0.0.1', port, security: 'none', username: null, timeoutMs: 2_000 },
      password: null,
      limits: limits({ perMinute: 60, maxConcurrent: 1 }),
      verify: false,
    });
    const c = await h.call('campaigns.create', {
      name: 'unreachable',
      pool: [acc.id],
      retry: { maxAttempts: 3, baseDelayMs: MIN, maxDelayMs: 10 * MIN },
    });
    addRecipients(h, c.id, ['lost@example.test']);
    await h.call('campaigns.start', { id: c.id });
    const clock = h.clock as ManualClock;
    const t0 = clock.now();
    await runUntil(h, () => h.engine.store.recipients.counts(c.id).failed === 1, 6 * 60 * MIN);
    const row = h.engine.store.recipients.list(c.id, { limit: 1 }).rows[0]!;
    expect(row).toMatchObject({ state: 'failed', attempts: 3, errorClass: 'transient' });
    expect(row.lastError).toMatch(/gave up after 3 attempts/);
    // Two backoff waits of at least half the growing delay each (equal jitter): 30 s + 60 s.
    expect(clock.now() - t0).toBeGreaterThanOrEqual(90_000);
  });

  it.each([
    ['552 5.3.4 Message size exceeds fixed limit', 552],
    ['554 5.7.1 Message rejected as spam', 554],
  ])('message rejected (%s): fails; ten in a row pause the campaign', async (message, code) => {
    const a = await server(() => ({ kind: 'reply', stage: 'data', code, message: message.replace(/^\d+ /, '') }));
    const { h, c, events } = await setup([{ server: a, perMinute: 600 }], 25);
    await runUntil(h, () => h.engine.store.campaigns.get(c.id)!.status === 'paused', 30 * MIN);
    const moves = events.filter((e) => e.event === 'campaign.status').map((e) => e.payload);
    expect(moves.at(-1)).toMatchObject({
      campaignId: c.id,
      from: 'sending',
      to: 'paused',
      cause: 'breaker',
      reason: expect.stringMatching(/rejected permanently/),
    });
    const campaign = h.engine.store.campaigns.get(c.id)!;
    expect(campaign.status).toBe('paused');
    expect(campaign.pausedReason).toMatch(/rejected permanently/);
    const counts = h.engine.store.recipients.counts(c.id);
    expect(counts.failed).toBeGreaterThanOrEqual(10);
    expect(counts.failed).toBeLessThanOrEqual(11); // at most the one in flight finishes after the pause
    expect(counts.failed + counts.queued).toBe(25);
    const failed = h.engine.store.recipients.list(c.id, { state: 'failed', limit: 1 }).rows[0]!;
    expect(failed.errorClass).toBe('message');
  });

  it('pause stops new sends at once; resume carries on; no duplicates', async () => {
    const a = await server(() => delayed(20, accept));
    const { h, c } = await setup([{ server: a, perMinute: 600 }], 30);
    const clock = h.clock as ManualClock;
    // Real time: each message takes the server ~20 ms, so the pause lands mid-campaign.
    while (h.engine.store.recipients.counts(c.id).sent < 5) await new Promise((r) => setTimeout(r, 1));
    await h.call('campaigns.pause', { id: c.id });
    await h.settle();
    const atPause = h.engine.store.recipients.counts(c.id).sent;
    clock.advance(10 * MIN);
    await h.settle();
    expect(h.engine.store.recipients.counts(c.id).sent).toBe(atPause);
    await h.call('campaigns.resume', { id: c.id });
    await runUntil(h, () => h.engine.store.recipients.counts(c.id).sent === 30, 30 * MIN);
    const got = deliveries(a);
    expect(got.size).toBe(30);
    expect([...got.values()].every((n) => n === 1)).toBe(true);
  });

  it('an account edited mid-send lets the send on the wire finish: delivered once, recorded sent', async () => {
    const a = await server(() => delayed(300, accept));
    const { h, c, pool } = await setup([{ server: a, perMinute: 600 }], 3);
    while (h.engine.store.recipients.counts(c.id).sending === 0) await new Promise((r) => setTimeout(r, 1));
    await h.call('accounts.update', { id: pool[0]!, label: 'Renamed while sending' });
    await runUntil(h, () => h.engine.store.recipients.counts(c.id).sent === 3, 10 * MIN);
    const rows = h.engine.store.recipients.list(c.id, { limit: 10 }).rows;
    expect(rows.every((r) => r.state === 'sent' && r.attempts === 1)).toBe(true);
    const got = deliveries(a);
    expect(got.size).toBe(3);
    expect([...got.values()].every((n) => n === 1)).toBe(true);
  });
});
