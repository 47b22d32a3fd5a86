// A campaign whose pool mixes a Gmail API account and an SMTP account: when Google throttles,
// runs out of quota or revokes the grant, the work moves to the SMTP account without losing or
// doubling a recipient. Real engine, loopback Google endpoints, loopback SMTP server.
import { afterEach, describe, expect, it } from 'vitest';
import type { EventName } from '../../shared/contract';
import { addRecipients, type Harness, limits, runUntil, startEngine } from '../helpers/engine-harness';
import { FAKE_CLIENT_ID, FAKE_CLIENT_SECRET, type FakeGoogle, startFakeGoogle } from '../helpers/fake-google';
import type { ManualClock } from '../helpers/manual-clock';
import { type FaultServer, startFaultServer } from '../helpers/smtp-fault-server';

const MIN = 60_000;
let fake: FakeGoogle;
let smtp: FaultServer;
let h: Harness;
afterEach(async () => {
  await h?.close();
  await fake?.close();
  await smtp?.close();
});

async function setup(recipients: number, relayPerMinute = 30) {
  fake = await startFakeGoogle({ email: 'team@gmail.com' });
  smtp = await startFaultServer({ script: () => ({ kind: 'accept' }) });
  h = await startEngine({ google: fake.endpoints });
  const events: { event: EventName; payload: unknown }[] = [];
  h.engine.hub.subscribe((event, payload) => events.push({ event, payload }));
  await h.call('gmail.setClient', { clientId: FAKE_CLIENT_ID, clientSecret: FAKE_CLIENT_SECRET });
  const { authUrl } = await h.call('gmail.connect', {});
  // Play the browser: Google redirects to the app's loopback listener.
  const atGoogle = await fetch(authUrl, { redirect: 'manual' });
  await fetch(atGoogle.headers.get('location')!);
  await waitFor(() => events.some((e) => e.event === 'gmail.connect'));
  const gmail = h.engine.store.accounts.findByAddress('gmail', 'team@gmail.com')!;
  expect(gmail.status).toBe('active');
  await h.call('accounts.update', {
    id: gmail.id,
    limits: limits({ perMinute: 30, perHour: 400, perDay: 400, reserve: 0, maxConcurrent: 1 }),
  });
  const relay = await h.call('accounts.addSmtp', {
    label: 'Relay',
    fromName: 'Team',
    fromAddress: 'team@example.test',
    preset: 'custom',
    smtp: { host: '127.0.0.1', port: smtp.port, security: 'none', username: null, timeoutMs: 5_000 },
    password: null,
    limits: limits({ perMinute: relayPerMinute, maxConcurrent: 1 }),
    verify: false,
  });
  const c = await h.call('campaigns.create', { name: 'mixed', pool: [gmail.id, relay.id], rotation: 'round_robin' });
  const addresses = Array.from({ length: recipients }, (_, i) => `p${i}@example.org`);
  addRecipients(h, c.id, addresses);
  return { c, gmail, relay, events, addresses };
}

async function waitFor(ok: () => boolean) {
  for (let i = 0; i < 500 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(ok()).toBe(true);
}

/** Every address delivered exactly once across Gmail and SMTP. */
function expectEachOnce(addresses: string[]) {
  const seen = new Map<string, number>();
  const gmailTo = fake.state.sent.map((m) => /^To: (.+)$/m.exec(m.raw.toString('latin1'))?.[1]?.trim() ?? '');
  for (const to of [...gmailTo, ...smtp.received.flatMap((r) => r.to)]) seen.set(to, (seen.get(to) ?? 0) + 1);
  expect([...seen.keys()].sort()).toEqual([...addresses].sort());
  expect([...seen.values()].every((n) => n === 1)).toBe(true);
}

describe('Gmail and SMTP in one pool', () => {
  it('moves work from a throttled Gmail account to SMTP and honours Google’s retry time', async () => {
    // The relay sends one a minute, so Gmail's 10-minute rest ends while work is left.
    const { c, gmail, addresses } = await setup(12, 1);
    const clock = h.clock as ManualClock;
    const retryAt = new Date(clock.now() + 10 * MIN).toISOString();
    fake.script({ send: 'rateLimit', retryAt });
    await h.call('campaigns.start', { id: c.id });
    await runUntil(h, () => h.engine.store.recipients.counts(c.id).sent === 12, 60 * MIN);
    expectEachOnce(addresses);
    const acc = h.engine.store.accounts.get(gmail.id)!;
    expect(acc.cooldownUntil).toBe(Date.parse(retryAt));
    const rows = h.engine.store.recipients.list(c.id, { limit: 50 }).rows;
    expect(rows.every((r) => r.attempts === 1)).toBe(true); // the throttled try cost no attempt
    // Gmail sent again, but only once Google's retry time had passed.
    const gmailSends = (
      h.sql().prepare('SELECT at FROM send_ledger WHERE account_id = ?').all(gmail.id) as { at: number }[]
    ).map((r) => r.at);
    expect(fake.state.sent.length).toBeGreaterThanOrEqual(1);
    expect(gmailSends).toHaveLength(fake.state.sent.length);
    expect(gmailSends.every((t) => t >= Date.parse(retryAt))).toBe(true);
    expect(smtp.received.length).toBeGreaterThan(0);
  });

  it('rests a Gmail account whose daily quota is spent', async () => {
    const { c, gmail, addresses } = await setup(8);
    const clock = h.clock as ManualClock;
    fake.script({ send: 'dailyLimit' });
    await h.call('campaigns.start', { id: c.id });
    await runUntil(h, () => h.engine.store.recipients.counts(c.id).sent === 8, 60 * MIN);
    expectEachOnce(addresses);
    expect(h.engine.store.accounts.get(gmail.id)!.cooldownUntil! - clock.now()).toBeGreaterThan(20 * 60 * MIN);
    expect(fake.state.sent.length).toBe(0);
  });

  it('asks to reconnect when the grant is revoked, and SMTP carries on', async () => {
    const { c, gmail, events, addresses } = await setup(6);
    fake.expireAccessTokens();
    fake.script({ refresh: 'invalid_grant' });
    await h.call('campaigns.start', { id: c.id });
    await runUntil(h, () => h.engine.store.recipients.counts(c.id).sent === 6, 60 * MIN);
    expectEachOnce(addresses);
    expect(h.engine.store.accounts.get(gmail.id)!.status).toBe('needs_reauth');
    const reauth = events.filter((e) => e.event === 'account.needsReauth');
    expect(reauth).toEqual([
      { event: 'account.needsReauth', payload: expect.objectContaining({ accountId: gmail.id }) },
    ]);
    const p = await h.call('campaigns.progress', { id: c.id });
    expect(p.accounts.find((a) => a.accountId === gmail.id)?.status).toBe('needs_reauth');
  });

  it('refuses limits above what Gmail allows, so a plan can never go over', async () => {
    const { gmail } = await setup(1);
    for (const over of [{ perMinute: 51 }, { perDay: 501 }]) {
      const r = await h.dispatch('accounts.update', { id: gmail.id, limits: over });
      expect(r).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
      if (!r.ok) expect(r.error.message).toMatch(/consumer Gmail account must stay at or below 50 per minute and 500/);
    }
    expect(h.engine.store.accounts.get(gmail.id)!.limits.perMinute).toBe(30);
  });

  it('a Gmail answer lost after the send is uncertain, never resent by itself', async () => {
    const { c, addresses } = await setup(4, 1);
    fake.script({ send: 'lostAnswer' });
    await h.call('campaigns.start', { id: c.id });
    await runUntil(
      h,
      () => {
        const n = h.engine.store.recipients.counts(c.id);
        return n.queued === 0 && n.sending === 0;
      },
      60 * MIN,
    );
    const counts = h.engine.store.recipients.counts(c.id);
    expect(counts).toMatchObject({ uncertain: 1, sent: 3 });
    const uncertain = h.engine.store.recipients.list(c.id, { state: 'uncertain', limit: 1 }).rows[0]!;
    expect(uncertain.lastError).toMatch(/may have been delivered/);
    const [row] = (await h.call('campaigns.uncertain', { id: c.id, limit: 5 })).rows;
    expect(row).toMatchObject({ recipientId: uncertain.id, cause: 'interrupted', handover: 'gmail_body_sent' });
    // Google did send it once; nobody sent it again.
    expectEachOnce(addresses);
    expect(h.engine.store.campaigns.get(c.id)!.status).toBe('paused');
  });
});
