// The requests behind the dashboard, the composer's test send and the recipients table, through
// the contract on a real engine (real SQLite file, real SMTP servers on loopback).
import { afterEach, describe, expect, it } from 'vitest';
import type { RequestInput, RequestName } from '../../shared/contract';
import { addRecipients, type Harness, limits, runFor, runUntil, startEngine } from '../helpers/engine-harness';
import type { ManualClock } from '../helpers/manual-clock';
import { type Fault, type FaultServer, startFaultServer } from '../helpers/smtp-fault-server';

const MIN = 60_000;
const servers: FaultServer[] = [];
const harnesses: Harness[] = [];
afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((h) => h.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function engine(): Promise<Harness> {
  const h = await startEngine();
  harnesses.push(h);
  return h;
}

async function smtpAccount(
  h: Harness,
  script: (ctx: { rcpt: string; attempt: number }) => Fault,
  over: { label?: string; perMinute?: number; auth?: { user: string; pass: string } } = {},
) {
  const s = await startFaultServer({ script, ...(over.auth ? { auth: over.auth } : {}) });
  servers.push(s);
  const account = await h.call('accounts.addSmtp', {
    label: over.label ?? 'Relay',
    fromName: 'Team',
    fromAddress: 'team@example.test',
    preset: 'custom',
    smtp: { host: '127.0.0.1', port: s.port, security: 'none', username: over.auth?.user ?? null, timeoutMs: 5_000 },
    password: over.auth?.pass ?? null,
    limits: limits({ perMinute: over.perMinute ?? 600, maxConcurrent: 2 }),
    verify: false,
  });
  return { server: s, account };
}

async function refused<N extends RequestName>(h: Harness, name: N, input: RequestInput<N>) {
  const r = await h.dispatch(name, input);
  if (r.ok) throw new Error(`${name} should have been refused`);
  return r.error;
}

const accept: Fault = { kind: 'accept' };

describe('failures grouped by reason', () => {
  it('makes one group of 33 Postfix 5.1.1 rejects that differ only in the address, and every group is reachable', async () => {
    const h = await engine();
    // 33 unknown users, 25 rejects with reasons of their own, the rest delivered.
    const unknown = Array.from({ length: 33 }, (_, i) => `gone${i}@example.test`);
    const odd = Array.from({ length: 25 }, (_, i) => `odd${i}@example.test`);
    const ok = ['ok1@example.test', 'ok2@example.test'];
    const { account } = await smtpAccount(h, ({ rcpt }) => {
      if (rcpt.startsWith('gone')) {
        return {
          kind: 'reply',
          stage: 'rcpt',
          code: 550,
          message: `5.1.1 <${rcpt}>: Recipient address rejected: User unknown in virtual mailbox table`,
        };
      }
      if (rcpt.startsWith('odd')) {
        return { kind: 'reply', stage: 'rcpt', code: 550, message: `5.7.1 Policy rule ${rcpt.slice(3, -13)} refused` };
      }
      return accept;
    });
    const c = await h.call('campaigns.create', { name: 'Bounces', pool: [account.id] });
    addRecipients(h, c.id, [...unknown, ...odd, ...ok]);
    await h.call('campaigns.start', { id: c.id });
    // Ten permanent rejects in a row pause the campaign (the breaker); resume it as a user would.
    const failed = () => h.engine.store.recipients.counts(c.id).failed;
    for (let round = 0; round < 10 && failed() < 58; round++) {
      await runUntil(h, () => failed() === 58 || h.engine.store.campaigns.get(c.id)!.status === 'paused', 60 * MIN);
      if (h.engine.store.campaigns.get(c.id)!.status === 'paused') await h.call('campaigns.resume', { id: c.id });
    }
    expect(failed()).toBe(58);

    const progress = await h.call('campaigns.progress', { id: c.id });
    expect(progress.failureGroups).toBe(26);
    expect(progress.failures).toHaveLength(20);
    const top = progress.failures[0]!;
    expect(top).toMatchObject({ errorClass: 'recipient', count: 33 });
    expect(top.key, top.key).toContain('5.1.1 <address>');
    expect(top.key).not.toMatch(/gone\d/);

    const first = await h.call('campaigns.failures', { id: c.id, limit: 20, examples: 5 });
    const rest = await h.call('campaigns.failures', { id: c.id, offset: 20, limit: 20, examples: 5 });
    expect(first.total).toBe(26);
    const all = [...first.rows, ...rest.rows];
    expect(all).toHaveLength(26);
    expect(all.reduce((n, g) => n + g.count, 0)).toBe(58);
    expect(all[0]!.examples).toHaveLength(5);
    expect(all[0]!.examples.every((e) => e.address.startsWith('gone') && e.message.includes(e.address))).toBe(true);

    // Every row of the group, a keyset page at a time.
    const seen: string[] = [];
    let after: number | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const page = await h.call('recipients.list', {
        campaignId: c.id,
        failure: { errorClass: top.errorClass, key: top.key },
        limit: 10,
        ...(after === undefined ? {} : { after }),
      });
      expect(page.total).toBe(33);
      seen.push(...page.rows.map((r) => r.address));
      if (page.next === null) break;
      after = page.next;
    }
    expect(seen.sort()).toEqual([...unknown].sort());
  });
});

describe('test send', () => {
  it('sends the chosen recipient’s message to the user, counts it for the account, and leaves the campaign alone', async () => {
    const h = await engine();
    const { server, account } = await smtpAccount(h, () => accept);
    const c = await h.call('campaigns.create', {
      name: 'Spring',
      pool: [account.id],
      fromName: 'Spring Team',
      template: { subject: 'Hi {{first_name}}', body: '<p>Hello {{first_name}}</p>', format: 'html', text: null },
    });
    addRecipients(h, c.id, ['ada@example.test', 'bob@example.test']);
    const bob = h.engine.store.recipients.list(c.id, { search: 'bob', limit: 1 }).rows[0]!;
    const before = h.engine.store.recipients.counts(c.id);

    const sent = await h.call('campaigns.testSend', {
      campaignId: c.id,
      accountId: account.id,
      to: 'me@example.test',
      recipientId: bob.id,
    });
    expect(sent).toMatchObject({ to: 'me@example.test', accountId: account.id, subject: 'Hi N1' });
    expect(server.received).toHaveLength(1);
    const raw = server.received[0]!.raw.toString();
    expect(server.received[0]!.to).toEqual(['me@example.test']);
    expect(raw).toContain('Hello N1');
    expect(raw).toMatch(/^From: Spring Team <team@example.test>/m);
    expect(server.received[0]!.messageId).toBe(sent.messageId);

    expect(h.engine.store.recipients.counts(c.id)).toEqual(before);
    expect(h.engine.store.recipients.get(bob.id)).toMatchObject({ state: 'queued', messageId: null, attempts: 0 });
    const usage = (await h.call('accounts.usage', {})).find((u) => u.accountId === account.id)!;
    expect(usage).toMatchObject({ lastMinute: 1, last24h: 1 });
  });

  it('refuses to go over the account’s cap, and reports a server refusal as a clear error', async () => {
    const h = await engine();
    const { account } = await smtpAccount(
      h,
      ({ rcpt }) =>
        rcpt.startsWith('typo')
          ? { kind: 'reply', stage: 'rcpt', code: 550, message: '5.1.1 <typo@example.test>: User unknown' }
          : accept,
      { perMinute: 2 },
    );
    const c = await h.call('campaigns.create', { name: 'Caps', pool: [account.id] });
    const bounced = await refused(h, 'campaigns.testSend', {
      campaignId: c.id,
      accountId: account.id,
      to: 'typo@example.test',
    });
    expect(bounced.code).toBe('conflict');
    expect(bounced.message, bounced.message).toMatch(/^The test message was not sent\. .*5\.1\.1/);
    // The refused address is the user's own: it is not put on the suppression list.
    expect(h.engine.store.suppressions.has('typo@example.test')).toBe(false);

    await h.call('campaigns.testSend', { campaignId: c.id, accountId: account.id, to: 'me@example.test' });
    const capped = await refused(h, 'campaigns.testSend', {
      campaignId: c.id,
      accountId: account.id,
      to: 'me@example.test',
    });
    expect(capped).toMatchObject({ code: 'conflict', message: expect.stringContaining('per-minute limit') });
  });

  it('says a refused login is a login problem and marks the account for reconnecting', async () => {
    const h = await engine();
    const { server, account } = await smtpAccount(h, () => accept, { auth: { user: 'u', pass: 'p' } });
    server.authFails = true;
    const c = await h.call('campaigns.create', { name: 'Auth', pool: [account.id] });
    const e = await refused(h, 'campaigns.testSend', {
      campaignId: c.id,
      accountId: account.id,
      to: 'me@example.test',
    });
    expect(e.code).toBe('auth_failed');
    expect(h.engine.store.accounts.get(account.id)!.status).toBe('needs_reauth');
    // Refused before delivery: it does not count against the caps.
    expect((await h.call('accounts.usage', {})).find((u) => u.accountId === account.id)).toMatchObject({
      last24h: 0,
      state: { code: 'needs_reauth' },
    });
  });
});

describe('uncertain rows, one by one', () => {
  it('lists what is known about each after the app stopped, and resends or marks a selection', async () => {
    const before = await startEngine();
    const [outbox] = await before.call('accounts.list', {});
    const c = await before.call('campaigns.create', { name: 'Crash', pool: [outbox!.id] });
    addRecipients(before, c.id, ['a@example.test', 'b@example.test', 'c@example.test']);
    const at = before.clock.now();
    const claimed = [0, 1, 2].map(
      (i) => before.engine.store.recipients.claim(c.id, outbox!.id, at, 60_000, () => `<m${i}@example.test>`)!,
    );
    // The local outbox had stored b's message when the app stopped; an older copy of c's (a send
    // before this claim) says nothing about this one.
    const copy = before.engine.store.outbox.add({
      campaignId: c.id,
      recipientId: claimed[1]!.id,
      messageId: '<m1@example.test>',
      to: 'b@example.test',
      subject: 'Hi',
      path: 'b.eml',
      createdAt: at,
    });
    before.engine.store.outbox.add({
      campaignId: c.id,
      recipientId: claimed[2]!.id,
      messageId: '<m2@example.test>',
      to: 'c@example.test',
      subject: 'Hi',
      path: 'c.eml',
      createdAt: at - 1,
    });
    await before.close();
    // The next start finds the three rows still sending.
    const h = await startEngine({ dataDir: before.dataDir });
    harnesses.push(h);
    const { store } = h.engine;

    const page = await h.call('campaigns.uncertain', { id: c.id, limit: 2 });
    expect(page.total).toBe(3);
    expect(page.rows).toHaveLength(2);
    expect(page.rows[0]).toMatchObject({
      address: 'a@example.test',
      claimedAt: at,
      accountId: outbox!.id,
      accountLabel: outbox!.label,
      cause: 'stopped',
      handover: 'app_stopped',
      messageId: '<m0@example.test>',
      outboxItemId: null,
    });
    expect(page.rows[1]).toMatchObject({ cause: 'stopped', handover: 'outbox_written', outboxItemId: copy.id });
    const last = await h.call('campaigns.uncertain', { id: c.id, after: page.next!, limit: 2 });
    expect(last.rows.map((r) => [r.address, r.handover])).toEqual([['c@example.test', 'app_stopped']]);
    expect(last.next).toBeNull();

    const [a, b] = page.rows;
    expect(await h.call('campaigns.markUncertainSent', { id: c.id, recipientIds: [a!.recipientId] })).toEqual({
      count: 1,
    });
    expect(await h.call('campaigns.resendUncertain', { id: c.id, recipientIds: [b!.recipientId, 999_999] })).toEqual({
      count: 1,
    });
    expect(store.recipients.get(a!.recipientId)).toMatchObject({ state: 'sent', sentAt: null });
    expect(store.recipients.get(b!.recipientId)).toMatchObject({ state: 'queued', messageId: '<m1@example.test>' });
    expect(store.recipients.counts(c.id).uncertain).toBe(1);
  });
});

describe('dashboard numbers', () => {
  it('buckets sends per minute with the empty minutes in between', async () => {
    const h = await engine();
    const [outbox] = await h.call('accounts.list', {});
    await h.call('accounts.update', { id: outbox!.id, limits: limits({ perMinute: 2 }) });
    const c = await h.call('campaigns.create', { name: 'Rate', pool: [outbox!.id] });
    addRecipients(
      h,
      c.id,
      Array.from({ length: 6 }, (_, i) => `r${i}@example.test`),
    );
    const start = h.clock.now();
    await h.call('campaigns.start', { id: c.id });
    await runUntil(h, () => h.engine.store.recipients.counts(c.id).sent === 6, 10 * MIN);
    (h.clock as ManualClock).advance(3 * MIN);

    const series = await h.call('campaigns.sendRate', { id: c.id });
    expect(series.bucketMs).toBe(MIN);
    expect(series.from).toBe(Math.floor(start / MIN) * MIN);
    expect(series.buckets.reduce((n, b) => n + b.sent, 0)).toBe(6);
    expect(Math.max(...series.buckets.map((b) => b.sent))).toBe(2);
    expect(series.buckets.at(-1)!.sent).toBe(0);
    for (const [i, b] of series.buckets.entries()) expect(b.at).toBe(series.from + i * MIN);

    // A long span gets wider buckets instead of thousands of points.
    const wide = await h.call('campaigns.sendRate', { id: c.id, from: start - 7 * 24 * 60 * MIN });
    expect(wide.buckets.length).toBeLessThanOrEqual(1_440);
    expect(wide.bucketMs % MIN).toBe(0);
    expect(wide.buckets.reduce((n, b) => n + b.sent, 0)).toBe(6);
  });

  it('says where the ETA stands as data: not started, waiting for the window, a time, paused, blocked', async () => {
    const h = await engine();
    const [outbox] = await h.call('accounts.list', {});
    await h.call('accounts.update', { id: outbox!.id, limits: limits({ perMinute: 1 }) });
    const c = await h.call('campaigns.create', { name: 'Office hours', pool: [outbox!.id] });
    addRecipients(h, c.id, ['a@example.test', 'b@example.test', 'c@example.test']);
    const eta = async () => (await h.call('campaigns.progress', { id: c.id })).eta;
    expect(await eta()).toEqual({ state: 'draft' });

    // Monday 09:00 UTC; the window opens at 10:00.
    const opens = h.clock.now() + 60 * MIN;
    const window = { timeZone: 'UTC', days: [1, 2, 3, 4, 5], startMinute: 600, endMinute: 1020 };
    await h.call('campaigns.update', { id: c.id, patch: { window } });
    await h.call('campaigns.start', { id: c.id });
    expect(await eta()).toEqual({
      state: 'window',
      opensAt: opens,
      at: expect.any(Number),
      limitedBy: expect.any(String),
    });
    const waiting = await eta();
    if (waiting.state !== 'window') throw new Error('outside the window');
    expect(waiting.at).toBeGreaterThan(opens);

    await runUntil(h, () => h.engine.store.recipients.counts(c.id).sent === 1, 2 * 60 * MIN);
    const running = await eta();
    expect(running).toMatchObject({ state: 'running', limitedBy: 'per-minute limits' });

    await h.call('campaigns.pause', { id: c.id });
    expect(await eta()).toEqual({ state: 'paused' });
    // Time passes; a paused campaign's estimate does not move with it.
    await runFor(h, 30 * MIN);
    expect(await eta()).toEqual({ state: 'paused' });

    await h.call('campaigns.resume', { id: c.id });
    await h.call('accounts.setPaused', { id: outbox!.id, paused: true });
    expect(await eta()).toEqual({ state: 'blocked', reason: 'No account can send' });
  });

  it('counts cancelled rows apart from suppressed ones', async () => {
    const h = await engine();
    const [outbox] = await h.call('accounts.list', {});
    await h.call('accounts.update', { id: outbox!.id, limits: limits({ perMinute: 1 }) });
    const c = await h.call('campaigns.create', { name: 'Stop', pool: [outbox!.id] });
    addRecipients(h, c.id, ['a@example.test', 'b@example.test', 'c@example.test', 'blocked@example.test']);
    await h.call('suppressions.add', { addresses: ['blocked@example.test'], reason: 'unsubscribed' });
    await h.call('campaigns.start', { id: c.id });
    await runUntil(h, () => h.engine.store.recipients.counts(c.id).sent === 1, 5 * MIN);
    await h.call('campaigns.cancel', { id: c.id });
    const p = await h.call('campaigns.progress', { id: c.id });
    expect(p.counts).toMatchObject({ sent: 1, skipped: 3 });
    expect(p.skipped).toEqual({ suppressed: 1, cancelled: 2 });
    const skipped = await h.call('recipients.list', { campaignId: c.id, state: 'skipped' });
    expect(skipped.rows.map((r) => [r.address, r.skipReason])).toEqual([
      ['b@example.test', 'cancelled'],
      ['c@example.test', 'cancelled'],
      ['blocked@example.test', 'suppressed'],
    ]);
  });

  it('gives the pool’s daily capacity and ETA, also for a pool not yet saved', async () => {
    const h = await engine();
    const [outbox] = await h.call('accounts.list', {});
    const { account } = await smtpAccount(h, () => accept);
    await h.call('accounts.update', { id: account.id, limits: limits({ perDay: 300, reserve: 50 }) });
    await h.call('accounts.update', { id: outbox!.id, limits: limits({ perDay: 1_000, reserve: 0 }) });
    const c = await h.call('campaigns.create', { name: 'Pool', pool: [outbox!.id] });
    addRecipients(h, c.id, ['a@example.test']);
    const saved = await h.call('campaigns.capacity', { id: c.id });
    expect(saved).toMatchObject({
      perDay: 1_000,
      remaining: 1,
      accounts: [{ accountId: outbox!.id, leftToday: 1_000 }],
    });
    expect(saved.eta?.at).toEqual(expect.any(Number));
    const both = await h.call('campaigns.capacity', { id: c.id, pool: [outbox!.id, account.id] });
    expect(both.perDay).toBe(1_250);
    expect(both.accounts.map((a) => a.perDay)).toEqual([1_000, 250]);
    expect((await refused(h, 'campaigns.capacity', { id: c.id, pool: [999_999] })).code).toBe('not_found');
  });
});

describe('recipients table', () => {
  it('searches merge fields as well as addresses and pages by keyset', async () => {
    const h = await engine();
    const c = await h.call('campaigns.create', { name: 'Table' });
    h.engine.store.recipients.insertMany(
      c.id,
      Array.from({ length: 25 }, (_, i) => ({
        address: `person${i}@example.test`,
        addressKey: `person${i}@example.test`,
        fields: { city: i % 5 === 0 ? 'Zürich' : 'Berlin', company: `Co ${i}` },
      })),
      h.clock.now(),
    );
    const zurich = await h.call('recipients.list', { campaignId: c.id, search: 'zürich' });
    expect(zurich.total).toBe(5);
    expect(zurich.rows.every((r) => r.fields.city === 'Zürich')).toBe(true);
    // Field names are not values: "city" matches nobody.
    expect((await h.call('recipients.list', { campaignId: c.id, search: 'city' })).total).toBe(0);

    const ids: number[] = [];
    let after: number | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const page = await h.call('recipients.list', { campaignId: c.id, limit: 10, ...(after ? { after } : {}) });
      ids.push(...page.rows.map((r) => r.id));
      if (page.next === null) break;
      after = page.next;
    }
    expect(ids).toHaveLength(25);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
  });
});
