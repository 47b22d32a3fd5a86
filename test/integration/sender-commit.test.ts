// The outcome's commit as production runs it (outcomes.commitThen, with the next claims inside):
// a cancel that lands while a send is on the wire, and a failure in the claims that ride along.
import { afterEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../main/engine/log';
import { addRecipients, type Harness, limits, runUntil, startEngine } from '../helpers/engine-harness';
import { type FaultServer, held, type Script, startFaultServer } from '../helpers/smtp-fault-server';

const MIN = 60_000;
const servers: FaultServer[] = [];
const harnesses: Harness[] = [];
afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((h) => h.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** The error lines the engine logged, by message. */
function errorLog(): Logger & { errors: string[] } {
  const errors: string[] = [];
  return { errors, info() {}, warn() {}, error: (message) => errors.push(message) };
}

async function setup(script: Script, recipients: number, opts: { maxConcurrent?: number; log?: Logger } = {}) {
  const s = await startFaultServer({ script });
  servers.push(s);
  const h = await startEngine(opts.log ? { log: opts.log } : {});
  harnesses.push(h);
  const a = await h.call('accounts.addSmtp', {
    label: 'Account A',
    fromName: 'Commit',
    fromAddress: 'sender@example.test',
    preset: 'custom',
    smtp: { host: '127.0.0.1', port: s.port, security: 'none', username: null, timeoutMs: 5_000 },
    password: null,
    limits: limits({ perMinute: 1_000, maxConcurrent: opts.maxConcurrent ?? 1 }),
    verify: false,
  });
  const c = await h.call('campaigns.create', {
    name: 'commit',
    pool: [a.id],
    rotation: 'round_robin',
    retry: { maxAttempts: 4, baseDelayMs: MIN, maxDelayMs: 10 * MIN },
  });
  const addresses = Array.from({ length: recipients }, (_, i) => `user${i}@example.test`);
  addRecipients(h, c.id, addresses);
  return { h, c, s, addresses };
}

const rows = (h: Harness, campaignId: number) =>
  h
    .sql()
    .prepare('SELECT address, state, last_error AS lastError FROM recipients WHERE campaign_id = ? ORDER BY id')
    .all(campaignId) as { address: string; state: string; lastError: string | null }[];

describe('the outcome commit', () => {
  it('skips a retry whose campaign was cancelled while the send was on the wire', async () => {
    let onWire!: () => void;
    const sending = new Promise<void>((r) => (onWire = r));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { h, c } = await setup(() => {
      onWire();
      return held(gate, { kind: 'reply', stage: 'data', code: 450, message: '4.2.0 Try again later' });
    }, 2);
    await h.call('campaigns.start', { id: c.id });
    await sending;
    const cancelled = await h.call('campaigns.cancel', { id: c.id });
    expect(cancelled.status).toBe('cancelled');
    release();
    await h.settle();

    const all = rows(h, c.id);
    expect(all.map((r) => r.state)).toEqual(['skipped', 'skipped']);
    expect(all[0]!.lastError).toContain('Try again later');
    expect(h.engine.store.recipients.counts(c.id)).toMatchObject({ queued: 0, sending: 0, skipped: 2 });
    expect(h.engine.sender.inFlightCount()).toBe(0);
  });

  it('sends the claims committed with an outcome whose report failed, and logs the failure', async () => {
    const log = errorLog();
    const { h, c, s } = await setup(
      ({ rcpt }) => (rcpt.startsWith('user0@') ? { kind: 'drop', stage: 'data' } : { kind: 'accept' }),
      3,
      { log },
    );
    // The activity line for the first (uncertain) outcome cannot be written, as on a full disk.
    h.sql().exec(`CREATE TRIGGER fail_report BEFORE INSERT ON activity WHEN NEW.message LIKE 'user0@%'
                  BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END`);
    await h.call('campaigns.start', { id: c.id });
    const counts = () => h.engine.store.recipients.counts(c.id);
    await runUntil(h, () => counts().sent === 2, 10 * MIN);

    expect(counts()).toMatchObject({ uncertain: 1, sent: 2, sending: 0, queued: 0 });
    expect(h.engine.sender.inFlightCount()).toBe(0);
    expect(s.received.flatMap((r) => r.to).sort()).toEqual(['user1@example.test', 'user2@example.test']);
    expect(log.errors).toContain('Could not report the outcome for user0@example.test');
  });

  it('keeps a delivery whose next claims fail, leaves nothing sending, and finishes once claims work again', async () => {
    let onWire!: () => void;
    const sending = new Promise<void>((r) => (onWire = r));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const log = errorLog();
    const { h, c, s } = await setup(
      ({ rcpt }) => {
        if (!rcpt.startsWith('user0@')) return { kind: 'accept' };
        onWire();
        return held(gate, { kind: 'accept' });
      },
      3,
      { log },
    );
    await h.call('campaigns.start', { id: c.id });
    await sending;
    // Every claim from now on fails to write its ledger row, as on a full disk.
    h.sql().exec(`CREATE TRIGGER fail_claim BEFORE INSERT ON send_ledger
                  BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`);
    release();
    await h.settle();

    const counts = () => h.engine.store.recipients.counts(c.id);
    expect(rows(h, c.id).map((r) => r.state)).toEqual(['sent', 'queued', 'queued']);
    expect(counts().sending).toBe(0);
    expect(h.engine.sender.inFlightCount()).toBe(0);
    expect(log.errors).toContain('Planning the next sends failed');

    h.sql().exec('DROP TRIGGER fail_claim');
    await runUntil(h, () => h.engine.store.campaigns.get(c.id)!.status === 'done', 10 * MIN);
    expect(counts()).toMatchObject({ sent: 3, sending: 0, queued: 0 });
    expect(s.received.flatMap((r) => r.to).sort()).toEqual([
      'user0@example.test',
      'user1@example.test',
      'user2@example.test',
    ]);
  });

  it('makes and announces no status change in a planning pass that rolls back', async () => {
    let onWire!: () => void;
    const sending = new Promise<void>((r) => (onWire = r));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { h, c: first } = await setup(
      ({ rcpt }) => {
        if (!rcpt.startsWith('user0@')) return { kind: 'accept' };
        onWire();
        return held(gate, { kind: 'accept' });
      },
      1,
      { maxConcurrent: 2 },
    );
    const finished: number[] = [];
    h.engine.hub.subscribe((event, payload) => {
      if (event === 'campaign.finished') finished.push((payload as { campaignId: number }).campaignId);
    });
    await h.call('campaigns.start', { id: first.id });
    await sending;
    // A second campaign whose claims cannot be written shares every planning pass from now on.
    h.sql().exec(`CREATE TRIGGER fail_claim BEFORE INSERT ON send_ledger
                  BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`);
    const second = await h.call('campaigns.create', { name: 'second', pool: first.pool, rotation: 'round_robin' });
    addRecipients(h, second.id, ['later@example.test']);
    await h.call('campaigns.start', { id: second.id });
    release();
    await h.settle();

    // The first campaign drained, but the pass that would finish it rolled back: nothing was said.
    expect(finished).toEqual([]);
    expect(h.engine.store.campaigns.get(first.id)!.status).toBe('sending');

    h.sql().exec('DROP TRIGGER fail_claim');
    const status = (id: number) => h.engine.store.campaigns.get(id)!.status;
    await runUntil(h, () => status(first.id) === 'done' && status(second.id) === 'done', 10 * MIN);
    expect(finished.sort()).toEqual([first.id, second.id].sort());
  });
});
