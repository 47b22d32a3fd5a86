// The outcome's commit as production runs it (outcomes.commitThen, with the next claims inside):
// a cancel that lands while a send is on the wire, and a failure in the claims that ride along.
import { afterEach, describe, expect, it } from 'vitest';
import { addRecipients, type Harness, limits, startEngine } from '../helpers/engine-harness';
import { type FaultServer, held, type Script, startFaultServer } from '../helpers/smtp-fault-server';

const MIN = 60_000;
const servers: FaultServer[] = [];
const harnesses: Harness[] = [];
afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((h) => h.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function setup(script: Script, recipients: number, maxConcurrent = 1) {
  const s = await startFaultServer({ script });
  servers.push(s);
  const h = await startEngine();
  harnesses.push(h);
  const a = await h.call('accounts.addSmtp', {
    label: 'Account A',
    fromName: 'Commit',
    fromAddress: 'sender@example.test',
    preset: 'custom',
    smtp: { host: '127.0.0.1', port: s.port, security: 'none', username: null, timeoutMs: 5_000 },
    password: null,
    limits: limits({ perMinute: 1_000, maxConcurrent }),
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
});
