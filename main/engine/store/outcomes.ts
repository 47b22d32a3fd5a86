// Commits one send attempt's reaction (policy/reaction.ts) in one transaction: the recipient row,
// the account, the suppression, the ledger refund and the breaker's pause land together or not
// at all, so a crash can never keep a permanent reject without its suppression.
import type { StatusMove } from '../policy/lifecycle';
import type { Reaction } from '../policy/reaction';
import type { Db } from './db';
import { failureKey } from './failure-key';
import type { Versions } from './versions';

/** The attempt a reaction belongs to, as the claim recorded it. */
export interface AttemptRef {
  recipientId: number;
  campaignId: number;
  accountId: number;
  address: string;
  addressKey: string;
  /** The attempt's send_ledger row. */
  ledgerId: number;
}

export interface Committed {
  /** The account was not yet marked as needing re-auth (the user is told once). */
  newlyNeedsReauth: boolean;
  /** The breaker's pause took effect (the campaign was still sending). */
  paused: boolean;
}

export function outcomesRepo(db: Db, versions: Versions) {
  const sent = db.prepare(
    `UPDATE recipients SET state = 'sent', attempts = attempts + 1, sent_at = ?, lease_until = NULL,
       last_error = NULL, error_class = NULL, updated_at = ? WHERE id = ? AND state = 'sending'`,
  );
  // A row that comes back after its campaign was cancelled (it was on the wire then) is skipped
  // as cancelled, not queued: nothing more is sent for a cancelled campaign.
  const cancelled = `EXISTS (SELECT 1 FROM campaigns c WHERE c.id = recipients.campaign_id AND c.status = 'cancelled')`;
  const requeue = db.prepare(
    `UPDATE recipients SET state = CASE WHEN ${cancelled} THEN 'skipped' ELSE 'queued' END,
       skip_reason = CASE WHEN ${cancelled} THEN 'cancelled' ELSE NULL END,
       next_attempt_at = ?, attempts = attempts + ?, lease_until = NULL,
       account_id = NULL, last_error = ?, error_class = ?, updated_at = ? WHERE id = ? AND state = 'sending'`,
  );
  const failed = db.prepare(
    `UPDATE recipients SET state = 'failed', attempts = attempts + 1, lease_until = NULL, last_error = ?,
       error_class = ?, error_key = ?, updated_at = ? WHERE id = ? AND state = 'sending'`,
  );
  const uncertain = db.prepare(
    `UPDATE recipients SET state = 'uncertain', attempts = attempts + 1, lease_until = NULL, last_error = ?,
       error_class = 'transient', uncertain_cause = 'interrupted', handover = ?, updated_at = ?
     WHERE id = ? AND state = 'sending'`,
  );
  const refund = db.prepare('DELETE FROM send_ledger WHERE id = ?');
  // The cause of the cooldown that ends last is kept, for the account's badge.
  const coolDown = db.prepare(
    `UPDATE accounts SET
       cooldown_cause = CASE WHEN @until >= coalesce(cooldown_until, 0) THEN @cause ELSE cooldown_cause END,
       cooldown_until = max(coalesce(cooldown_until, 0), @until), last_error = @message,
       cooldown_strikes = cooldown_strikes + @strike WHERE id = @id`,
  );
  const clearStrikes = db.prepare('UPDATE accounts SET cooldown_strikes = 0 WHERE id = ? AND cooldown_strikes != 0');
  const needsReauth = db.prepare(
    "UPDATE accounts SET status = 'needs_reauth', last_error = ? WHERE id = ? AND status != 'needs_reauth'",
  );
  const suppress = db.prepare(
    `INSERT INTO suppressions (address_key, address, reason, source, created_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (address_key) DO NOTHING`,
  );
  const pause = db.prepare(
    'UPDATE campaigns SET status = ?, paused_reason = ?, updated_at = ? WHERE id = ? AND status = ?',
  );

  const savepoint = db.transaction((fn: () => void) => fn());

  const apply = (a: AttemptRef, r: Reaction, now: number, breakerMove: StatusMove | null): Committed => {
    const n = r.recipient;
    switch (n.state) {
      case 'sent':
        sent.run(now, now, a.recipientId);
        break;
      case 'queued':
        requeue.run(n.at, n.spendAttempt ? 1 : 0, n.error, n.errorClass, now, a.recipientId);
        break;
      case 'failed':
        failed.run(n.error, n.errorClass, failureKey(n.error), now, a.recipientId);
        break;
      case 'uncertain':
        uncertain.run(n.error, n.handover, now, a.recipientId);
        break;
    }
    if (r.refund) refund.run(a.ledgerId);
    let newlyNeedsReauth = false;
    const acc = r.account;
    // What the planner reads of an account (cooldown, status) changes with these.
    if (acc.kind !== 'none' && acc.kind !== 'clear_strikes') versions.accounts++;
    switch (acc.kind) {
      case 'none':
        break;
      case 'clear_strikes':
        clearStrikes.run(a.accountId);
        break;
      case 'cool_down':
        coolDown.run({
          until: acc.until,
          message: acc.message,
          strike: acc.strike ? 1 : 0,
          cause: 'throttle',
          id: a.accountId,
        });
        break;
      case 'rest':
        coolDown.run({ until: acc.until, message: acc.message, strike: 0, cause: 'quota', id: a.accountId });
        break;
      case 'needs_reauth':
        newlyNeedsReauth = needsReauth.run(acc.message, a.accountId).changes > 0;
        break;
    }
    if (r.suppress) suppress.run(a.addressKey, a.address, r.suppress, `campaign ${a.campaignId}`, now);
    let paused = false;
    if (r.breaker.pause && breakerMove) {
      versions.campaigns++;
      paused = pause.run(breakerMove.to, r.breaker.pause, now, a.campaignId, breakerMove.from).changes > 0;
    }
    return { newlyNeedsReauth, paused };
  };

  return {
    /**
     * Commits the reaction to one attempt (`breakerMove` is the lifecycle's move for the breaker's
     * pause; it only happens if the campaign is still in its `from` status), then runs `next` (the
     * planner claiming the freed slot) in the same transaction. If `next` throws, only its own
     * writes are undone and the error is returned: the outcome is never lost to a failure in planning.
     */
    commitThen: db.transaction(
      (a: AttemptRef, r: Reaction, now: number, breakerMove: StatusMove | null, next: () => void) => {
        const committed = apply(a, r, now, breakerMove);
        let nextError: unknown = null;
        try {
          savepoint(next);
        } catch (err) {
          nextError = err;
        }
        return { committed, nextError };
      },
    ),
  };
}
