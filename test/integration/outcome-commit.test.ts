// One attempt's reaction is committed in one transaction: a failure inside it (injected by a
// trigger through a second connection to the same file, as a full disk or a crash would) leaves
// the recipient, its suppression, the account and the campaign exactly as they were.
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { transition } from '../../main/engine/policy/lifecycle';
import { type Reaction, react } from '../../main/engine/policy/reaction';
import type { Claimed } from '../../main/engine/store/recipients';
import { campaignSettings, type TestContext, testContext } from '../helpers/context';
import { limits } from '../helpers/limits';
import { tmpDir } from '../helpers/tmp';

let ctx: TestContext;
let side: Database.Database;
afterEach(() => {
  side?.close();
  ctx?.hub.close();
  ctx?.store.close();
});

const NOW = Date.UTC(2026, 0, 5, 9, 0, 0);
/** No claims ride along: the sender's commit path with an empty planning pass. */
const nothing = () => {};

function setup() {
  const dir = tmpDir('ct-outcome-');
  ctx = testContext(dir);
  side = new Database(path.join(dir, 'db.sqlite'));
  const { store } = ctx;
  const account = store.accounts.create(
    { kind: 'outbox', label: 'Outbox', fromName: 'T', fromAddress: 't@example.test', limits: limits() },
    NOW,
  );
  const campaign = store.campaigns.create(campaignSettings('Atomic', { pool: [account.id] }), NOW);
  store.campaigns.move(campaign.id, transition('start', 'draft'), null, NOW);
  store.recipients.insertMany(
    campaign.id,
    [{ address: 'Gone@Example.test', addressKey: 'gone@example.test', fields: {} }],
    NOW,
  );
  const claimed = store.recipients.claim(campaign.id, account.id, NOW, 60_000, () => '<m1@example.test>')!;
  return { account, campaign, claimed };
}

const refOf = (c: Claimed) => ({
  recipientId: c.id,
  campaignId: c.campaignId,
  accountId: c.accountId,
  address: c.address,
  addressKey: c.addressKey,
  ledgerId: c.ledgerId,
});

function permanentReject(streak: number): Reaction {
  return react({
    result: { kind: 'failed', cls: 'recipient', retryAt: null, message: '550 5.1.1 no such user' },
    attempts: 0,
    retry: { maxAttempts: 3, baseDelayMs: 60_000, maxDelayMs: 600_000 },
    claimNo: 1,
    now: NOW,
    account: { strikes: 0, episodeStartClaim: null },
    breaker: { streak, threshold: 10 },
    random: () => 0,
  });
}

const rowOf = (id: number) =>
  side.prepare('SELECT state, attempts, error_class FROM recipients WHERE id = ?').get(id) as {
    state: string;
    attempts: number;
    error_class: string | null;
  };
const suppressed = () => (side.prepare('SELECT count(*) AS n FROM suppressions').get() as { n: number }).n;

describe('committing a reaction', () => {
  it('a permanent reject and its suppression are written together or not at all', () => {
    const { claimed } = setup();
    const reaction = permanentReject(0);
    expect(reaction.suppress).toBe('bounced');
    side.exec("CREATE TRIGGER fail_suppress BEFORE INSERT ON suppressions BEGIN SELECT RAISE(ABORT, 'disk gone'); END");

    expect(() => ctx.store.outcomes.commitThen(refOf(claimed), reaction, NOW, null, nothing)).toThrow(/disk gone/);
    expect(rowOf(claimed.id)).toEqual({ state: 'sending', attempts: 0, error_class: null });
    expect(suppressed()).toBe(0);

    side.exec('DROP TRIGGER fail_suppress');
    ctx.store.outcomes.commitThen(refOf(claimed), reaction, NOW, null, nothing);
    expect(rowOf(claimed.id)).toEqual({ state: 'failed', attempts: 1, error_class: 'recipient' });
    expect(ctx.store.suppressions.has('gone@example.test')).toBe(true);
  });

  it('the breaker’s pause is part of the same transaction as the failure that tripped it', () => {
    const { claimed, campaign } = setup();
    const reaction = permanentReject(9);
    expect(reaction.breaker.pause).not.toBeNull();
    const move = transition('breaker', 'sending');
    side.exec(
      "CREATE TRIGGER fail_pause BEFORE UPDATE OF status ON campaigns BEGIN SELECT RAISE(ABORT, 'disk gone'); END",
    );

    expect(() => ctx.store.outcomes.commitThen(refOf(claimed), reaction, NOW, move, nothing)).toThrow(/disk gone/);
    expect(rowOf(claimed.id).state).toBe('sending');
    expect(suppressed()).toBe(0);
    expect(ctx.store.campaigns.get(campaign.id)!.status).toBe('sending');

    side.exec('DROP TRIGGER fail_pause');
    expect(ctx.store.outcomes.commitThen(refOf(claimed), reaction, NOW, move, nothing).committed).toEqual({
      newlyNeedsReauth: false,
      paused: true,
    });
    expect(ctx.store.campaigns.get(campaign.id)).toMatchObject({
      status: 'paused',
      pausedReason: expect.stringMatching(/rejected permanently/),
    });
    expect(rowOf(claimed.id).state).toBe('failed');
  });

  it('a refunded throttle removes exactly its own ledger entry and cools the account down with one strike', () => {
    const { claimed, account } = setup();
    const ledger = () => (side.prepare('SELECT count(*) AS n FROM send_ledger').get() as { n: number }).n;
    expect(ledger()).toBe(1);
    const reaction = react({
      result: { kind: 'failed', cls: 'throttle', retryAt: null, message: '450 4.7.1 slow down' },
      attempts: 0,
      retry: { maxAttempts: 3, baseDelayMs: 60_000, maxDelayMs: 600_000 },
      claimNo: 1,
      now: NOW,
      account: { strikes: 0, episodeStartClaim: null },
      breaker: { streak: 0, threshold: 10 },
      random: () => 0,
    });
    ctx.store.outcomes.commitThen(refOf(claimed), reaction, NOW, null, nothing);
    expect(ledger()).toBe(0);
    expect(rowOf(claimed.id)).toEqual({ state: 'queued', attempts: 0, error_class: 'throttle' });
    expect(ctx.store.accounts.get(account.id)!.cooldownUntil).toBe(NOW + 60_000);
    expect(ctx.store.accounts.strikes(account.id)).toBe(1);
  });
});
