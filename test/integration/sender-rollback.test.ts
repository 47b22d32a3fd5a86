// A throttle answer whose commit fails (a full disk, a locked file) leaves no trace in the
// sender's memory either: the rows roll back, and so do the strike, the episode and the pace the
// answer would have taught. Without that, one failed write would teach the account a pace of one
// message a minute that the database never saw.
import { afterEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../main/engine/log';
import { addRecipients, type Harness, limits, runUntil, startEngine } from '../helpers/engine-harness';
import type { ManualClock } from '../helpers/manual-clock';
import { type FaultServer, startFaultServer } from '../helpers/smtp-fault-server';

let h: Harness | null = null;
let server: FaultServer | null = null;
afterEach(async () => {
  await h?.close();
  await server?.close();
  h = null;
  server = null;
});

describe('a throttle whose commit rolls back', () => {
  it('teaches the account nothing: the next sends keep the account’s own pace', async () => {
    const errors: string[] = [];
    let harness: Harness | null = null;
    const log: Logger = {
      info: () => {},
      warn: () => {},
      error: (message) => {
        errors.push(message);
        // The disk is back once the failure is seen.
        if (message.startsWith('Could not record the outcome'))
          harness?.sql().exec('DROP TRIGGER IF EXISTS fail_at_commit');
      },
    };
    server = await startFaultServer({
      script: ({ rcpt }) =>
        rcpt.startsWith('first@')
          ? { kind: 'reply', stage: 'mail', code: 450, message: '4.7.1 Error: too much mail from 127.0.0.1' }
          : { kind: 'accept' },
    });
    h = await startEngine({ log });
    harness = h;
    const clock = h.clock as ManualClock;
    const account = await h.call('accounts.addSmtp', {
      label: 'Relay',
      fromName: 'Rollback',
      fromAddress: 'sender@example.test',
      preset: 'custom',
      smtp: { host: '127.0.0.1', port: server.port, security: 'none', username: null, timeoutMs: 5_000 },
      password: null,
      limits: limits({ perMinute: 120, perHour: 10_000, perDay: 100_000, maxConcurrent: 1, minGapMs: 0, maxGapMs: 0 }),
      verify: false,
    });
    const c = await h.call('campaigns.create', { name: 'rollback', pool: [account.id] });
    addRecipients(h, c.id, ['first@example.test', 'b@example.test', 'c@example.test', 'd@example.test']);
    // Every write of the throttle's outcome succeeds, and the sender has already planned with it,
    // when COMMIT fails: a deferred foreign key is checked only then, as a full disk strikes only then.
    h.sql().exec(`
      CREATE TABLE commit_trap (account_id INTEGER REFERENCES accounts (id) DEFERRABLE INITIALLY DEFERRED);
      CREATE TRIGGER fail_at_commit AFTER UPDATE OF state ON recipients
        WHEN NEW.address_key = 'first@example.test' AND NEW.state = 'queued'
        BEGIN INSERT INTO commit_trap VALUES (999999); END;`);

    const t0 = clock.now();
    await h.call('campaigns.start', { id: c.id });
    await runUntil(h, () => server!.received.length === 3, 10 * 60_000);

    expect(errors.filter((e) => e.startsWith('Could not record the outcome'))).toHaveLength(1);
    // Gaps of 0: all three went out at once. A pace learned from the rolled-back answer would have
    // spaced them a minute apart.
    expect(clock.now() - t0).toBeLessThan(1_000);
    // The database never saw the throttle; the row waits, `sending`, for the next start to call it
    // uncertain.
    const first = h.engine.store.recipients.list(c.id, { search: 'first@', limit: 1 }).rows[0]!;
    expect(first.state).toBe('sending');
    expect(h.engine.store.accounts.get(account.id)!.cooldownUntil).toBeNull();
  });
});
