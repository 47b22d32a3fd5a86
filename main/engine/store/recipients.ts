import {
  emptyCounts,
  type FailureClass,
  type FailureExample,
  type FailureGroup,
  type FeedbackSignal,
  type HandoverStage,
  type Recipient,
  type RecipientState,
  type SkipReason,
  type StateCounts,
  type UncertainCause,
} from '../../../shared/domain';
import type { Db } from './db';
import { failureKey } from './failure-key';
import { containsPattern } from './like';

interface Row {
  id: number;
  campaign_id: number;
  address: string;
  address_key: string;
  fields: string;
  state: RecipientState;
  attempts: number;
  next_attempt_at: number;
  account_id: number | null;
  message_id: string | null;
  last_error: string | null;
  error_class: FailureClass | null;
  lease_until: number | null;
  sent_at: number | null;
  created_at: number;
  updated_at: number;
  feedback: FeedbackSignal | null;
  skip_reason: SkipReason | null;
  uncertain_cause: UncertainCause | null;
  handover: HandoverStage | null;
  claimed_at: number | null;
  error_key: string | null;
}

function toRecipient(r: Row): Recipient {
  return {
    id: r.id,
    campaignId: r.campaign_id,
    address: r.address,
    fields: JSON.parse(r.fields),
    state: r.state,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at || null,
    accountId: r.account_id,
    messageId: r.message_id,
    lastError: r.last_error,
    errorClass: r.error_class,
    sentAt: r.sent_at,
    updatedAt: r.updated_at,
    feedback: r.feedback,
    skipReason: r.state === 'skipped' ? (r.skip_reason ?? 'suppressed') : null,
  };
}

/** A row whose outcome is unknown, with what the ledger knows about its last attempt. */
export interface UncertainRecord {
  id: number;
  address: string;
  messageId: string | null;
  claimedAt: number | null;
  accountId: number | null;
  cause: UncertainCause | null;
  handover: HandoverStage | null;
  lastError: string | null;
}

export interface RecipientFilter {
  state?: RecipientState;
  search?: string;
  failure?: { errorClass: FailureClass; key: string };
}

export interface NewRecipient {
  address: string;
  addressKey: string;
  fields: Record<string, string>;
}

/** A recipient leased for one send attempt. */
export interface Claimed {
  id: number;
  campaignId: number;
  address: string;
  addressKey: string;
  fields: Record<string, string>;
  attempts: number;
  messageId: string;
  accountId: number;
  /** The attempt's send_ledger row (removed again if the provider never counted the attempt). */
  ledgerId: number;
}

/** Rows moved per statement by bulk state changes, so no single write holds the thread long. */
export const BULK_CHUNK = 2_000;

/**
 * What every state move sets. Leaving a state clears what only that state means: the error of a
 * row queued again, why it was skipped, why its outcome was unknown.
 */
const MOVE_SET = `state = @to, next_attempt_at = 0, lease_until = NULL, updated_at = @now,
  attempts = CASE WHEN @reset THEN 0 ELSE attempts END,
  last_error = CASE WHEN @to = 'queued' THEN NULL ELSE last_error END,
  error_class = CASE WHEN @to = 'queued' THEN NULL ELSE error_class END,
  error_key = CASE WHEN @to = 'queued' THEN NULL ELSE error_key END,
  skip_reason = CASE WHEN @to = 'skipped' THEN @skipReason ELSE NULL END,
  uncertain_cause = CASE WHEN @to = 'uncertain' THEN uncertain_cause ELSE NULL END,
  handover = CASE WHEN @to = 'uncertain' THEN handover ELSE NULL END`;

function moveParams(
  campaignId: number,
  from: RecipientState,
  to: RecipientState,
  now: number,
  opts: { resetAttempts?: boolean; skipReason?: SkipReason },
) {
  return { to, from, now, campaignId, reset: opts.resetAttempts ? 1 : 0, skipReason: opts.skipReason ?? 'suppressed' };
}

export function recipientsRepo(db: Db) {
  // The planner's read: the next due row's id and whether its address is suppressed, nothing more.
  const nextDue = db.prepare<[number, number], { id: number; suppressed: number }>(
    `SELECT r.id, EXISTS (SELECT 1 FROM suppressions s WHERE s.address_key = r.address_key) AS suppressed
     FROM recipients r INDEXED BY recipients_claim
     WHERE r.campaign_id = ? AND r.state = 'queued' AND r.next_attempt_at <= ?
     ORDER BY r.next_attempt_at, r.id LIMIT 1`,
  );
  const lease = db.prepare<
    [number, number, string, number, number, number],
    Pick<Row, 'address' | 'address_key' | 'fields' | 'attempts' | 'message_id'>
  >(
    `UPDATE recipients SET state = 'sending', lease_until = ?, account_id = ?,
       message_id = coalesce(message_id, ?), updated_at = ?, claimed_at = ?
     WHERE id = ? AND state = 'queued'
     RETURNING address, address_key, fields, attempts, message_id`,
  );
  const earliest = db.prepare<[number], { t: number | null }>(
    "SELECT min(next_attempt_at) AS t FROM recipients INDEXED BY recipients_claim WHERE campaign_id = ? AND state = 'queued'",
  );
  const skipOne = db.prepare(
    `UPDATE recipients SET state = 'skipped', skip_reason = 'suppressed', last_error = 'Address is on the suppression list',
       updated_at = ? WHERE id = ? AND state = 'queued'`,
  );
  const insertLedger = db.prepare(
    'INSERT INTO send_ledger (account_id, campaign_id, recipient_id, at) VALUES (?, ?, ?, ?)',
  );
  const countByState = db.prepare<[number], { state: RecipientState; n: number }>(
    'SELECT state, count(*) AS n FROM recipients WHERE campaign_id = ? GROUP BY state',
  );
  const insertOne = db.prepare(
    `INSERT INTO recipients (campaign_id, address, address_key, fields, state, skip_reason, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (campaign_id, address_key) DO NOTHING`,
  );

  const claimTx = db.transaction(
    (campaignId: number, accountId: number, now: number, leaseMs: number, newMessageId: () => string) => {
      let r = nextDue.get(campaignId, now);
      // An address suppressed since it was queued (a bounce elsewhere, an unsubscribe) is skipped here,
      // at the last moment, so no path around the list exists.
      for (let n = 0; r?.suppressed && n < 1_000; n++) {
        skipOne.run(now, r.id);
        r = nextDue.get(campaignId, now);
      }
      if (!r || r.suppressed) return null;
      const row = lease.get(now + leaseMs, accountId, newMessageId(), now, now, r.id);
      if (!row) return null;
      const ledgerId = Number(insertLedger.run(accountId, campaignId, r.id, now).lastInsertRowid);
      const claimed: Claimed = {
        id: r.id,
        campaignId,
        address: row.address,
        addressKey: row.address_key,
        ledgerId,
        fields: JSON.parse(row.fields),
        attempts: row.attempts,
        messageId: row.message_id!,
        accountId,
      };
      return claimed;
    },
  );

  const repo = {
    /** A feedback notice's mark on the row (null keeps the mark it has) and its soft-bounce count. */
    markFeedback(id: number, mark: FeedbackSignal | null, countSoftBounce: boolean, now: number): void {
      db.prepare(
        `UPDATE recipients SET feedback = coalesce(?, feedback), soft_bounces = soft_bounces + ?, updated_at = ?
         WHERE id = ?`,
      ).run(mark, countSoftBounce ? 1 : 0, now, id);
    },
    get(id: number): Recipient | null {
      const r = db.prepare<[number], Row>('SELECT * FROM recipients WHERE id = ?').get(id);
      return r ? toRecipient(r) : null;
    },
    first(campaignId: number): Recipient | null {
      const r = db
        .prepare<[number], Row>('SELECT * FROM recipients WHERE campaign_id = ? ORDER BY id LIMIT 1')
        .get(campaignId);
      return r ? toRecipient(r) : null;
    },
    /**
     * One keyset page in id order: rows after `after` (the last id of the previous page). The
     * search matches the address and every merge field's value.
     */
    list(
      campaignId: number,
      opts: RecipientFilter & { after?: number; limit: number },
    ): { rows: Recipient[]; total: number; next: number | null } {
      const where = ['campaign_id = @campaignId'];
      if (opts.state) where.push('state = @state');
      if (opts.failure) where.push("state = 'failed' AND error_class = @errorClass AND error_key = @errorKey");
      if (opts.search) {
        where.push(
          `(address_key LIKE @search ESCAPE '\\' OR EXISTS (SELECT 1 FROM json_each(recipients.fields) f
             WHERE lower(f.value) LIKE @search ESCAPE '\\'))`,
        );
      }
      const params = {
        campaignId,
        state: opts.state ?? null,
        search: opts.search ? containsPattern(opts.search.toLowerCase()) : null,
        errorClass: opts.failure?.errorClass ?? null,
        errorKey: opts.failure?.key ?? null,
        after: opts.after ?? 0,
        limit: opts.limit,
      };
      const sqlWhere = where.join(' AND ');
      const rows = db
        .prepare<typeof params, Row>(
          `SELECT * FROM recipients WHERE ${sqlWhere} AND id > @after ORDER BY id LIMIT @limit + 1`,
        )
        .all(params);
      const more = rows.length > opts.limit;
      if (more) rows.pop();
      const total = (db.prepare(`SELECT count(*) AS n FROM recipients WHERE ${sqlWhere}`).get(params) as { n: number })
        .n;
      return { rows: rows.map(toRecipient), total, next: more ? rows[rows.length - 1]!.id : null };
    },
    /** Iterates a campaign's rows in id order, a page at a time (exports, dry renders). */
    *iterate(campaignId: number, pageSize = 1_000): Generator<Recipient[]> {
      let after = 0;
      const stmt = db.prepare<[number, number, number], Row>(
        'SELECT * FROM recipients WHERE campaign_id = ? AND id > ? ORDER BY id LIMIT ?',
      );
      for (;;) {
        const rows = stmt.all(campaignId, after, pageSize);
        if (rows.length === 0) return;
        after = rows[rows.length - 1]!.id;
        yield rows.map(toRecipient);
      }
    },
    counts(campaignId: number): StateCounts {
      const c = emptyCounts();
      for (const { state, n } of countByState.all(campaignId)) c[state] = n;
      return c;
    },
    /**
     * Inserts a chunk in one transaction; existing (campaign, address_key) pairs are left alone and
     * reported to `onDuplicate` by their index in `rows`.
     */
    insertMany(
      campaignId: number,
      rows: NewRecipient[],
      now: number,
      state: RecipientState = 'queued',
      onDuplicate?: (index: number) => void,
    ) {
      let added = 0;
      db.transaction(() => {
        for (const [i, r] of rows.entries()) {
          const changes = insertOne.run(
            campaignId,
            r.address,
            r.addressKey,
            JSON.stringify(r.fields),
            state,
            state === 'skipped' ? 'suppressed' : null,
            now,
            now,
          ).changes;
          added += changes;
          if (changes === 0) onDuplicate?.(i);
        }
      })();
      return { added, duplicates: rows.length - added };
    },

    // ---- the send path ----------------------------------------------------------------------

    /** Earliest retry time among queued rows (for the sender's timer). */
    earliestQueued(campaignId: number): number | null {
      return earliest.get(campaignId)?.t ?? null;
    },
    /**
     * Leases one row for one account: state → sending, Message-ID fixed (kept across retries) and a
     * ledger entry written, all in one commit, before anything goes on the wire.
     */
    claim(
      campaignId: number,
      accountId: number,
      now: number,
      leaseMs: number,
      newMessageId: () => string,
    ): Claimed | null {
      return claimTx(campaignId, accountId, now, leaseMs, newMessageId);
    },
    /** Runs one planning pass's claims in one transaction (fn must be synchronous). */
    claimTogether: db.transaction((fn: () => void) => fn()),
    /**
     * After a crash: whatever was on the wire has an unknown outcome. Never resent silently. The
     * one durable trace of how far a send got is the local outbox's copy, written since the claim;
     * the send path writes nothing else per send.
     */
    sendingToUncertain(now: number): number {
      const copied = `EXISTS (SELECT 1 FROM outbox o WHERE o.recipient_id = recipients.id
        AND o.message_id = recipients.message_id AND o.created_at >= coalesce(recipients.claimed_at, 0))`;
      return db
        .prepare(
          `UPDATE recipients SET state = 'uncertain', lease_until = NULL, uncertain_cause = 'stopped',
             handover = CASE WHEN ${copied} THEN 'outbox_written' ELSE 'app_stopped' END,
             last_error = CASE WHEN ${copied}
               THEN 'The app stopped after the local test outbox stored this message, before it was recorded as sent.'
               ELSE 'The app stopped while this message was being sent; it may or may not have been delivered.' END,
             updated_at = ? WHERE state = 'sending'`,
        )
        .run(now).changes;
    },
    /**
     * Moves up to BULK_CHUNK rows from one state to another; callers loop, yielding between
     * chunks. Returns how many moved.
     */
    moveChunk(
      campaignId: number,
      from: RecipientState,
      to: RecipientState,
      now: number,
      opts: { resetAttempts?: boolean; skipReason?: SkipReason } = {},
    ): number {
      return db
        .prepare(
          `UPDATE recipients SET ${MOVE_SET}
           WHERE id IN (SELECT id FROM recipients INDEXED BY recipients_claim
                        WHERE campaign_id = @campaignId AND state = @from LIMIT ${BULK_CHUNK})`,
        )
        .run(moveParams(campaignId, from, to, now, opts)).changes;
    },
    /** Moves the listed rows of a campaign that are in `from` (others are left alone). */
    moveSelected(
      campaignId: number,
      ids: readonly number[],
      from: RecipientState,
      to: RecipientState,
      now: number,
      opts: { resetAttempts?: boolean } = {},
    ): number {
      return db
        .prepare(
          `UPDATE recipients SET ${MOVE_SET}
           WHERE id IN (SELECT value FROM json_each(@ids)) AND campaign_id = @campaignId AND state = @from`,
        )
        .run({ ...moveParams(campaignId, from, to, now, opts), ids: JSON.stringify(ids) }).changes;
    },
    /** Queued rows whose address is now suppressed become skipped, a chunk at a time. */
    skipSuppressedChunk(campaignId: number, now: number): number {
      return db
        .prepare(
          `UPDATE recipients SET state = 'skipped', skip_reason = 'suppressed',
             last_error = 'Address is on the suppression list', updated_at = ?
           WHERE id IN (SELECT r.id FROM recipients r JOIN suppressions s ON s.address_key = r.address_key
                        WHERE r.campaign_id = ? AND r.state = 'queued' LIMIT ${BULK_CHUNK})`,
        )
        .run(now, campaignId).changes;
    },
    /** Failed rows grouped by class and masked reason, largest first; every group by paging. */
    failureGroups(
      campaignId: number,
      page: { offset: number; limit: number },
    ): { rows: FailureGroup[]; total: number } {
      const rows = db
        .prepare<
          [number, number, number],
          { error_class: FailureClass | null; error_key: string | null; sample: string | null; n: number }
        >(
          `SELECT error_class, error_key, min(last_error) AS sample, count(*) AS n FROM recipients
           WHERE campaign_id = ? AND state = 'failed' GROUP BY error_class, error_key
           ORDER BY n DESC, error_class, error_key LIMIT ? OFFSET ?`,
        )
        .all(campaignId, page.limit, page.offset)
        .map((r) => ({
          errorClass: r.error_class ?? 'message',
          key: r.error_key ?? failureKey(r.sample),
          message: r.sample ?? 'Unknown error',
          count: r.n,
        }));
      const total = (
        db
          .prepare<[number], { n: number }>(
            `SELECT count(*) AS n FROM (SELECT 1 FROM recipients WHERE campaign_id = ? AND state = 'failed'
             GROUP BY error_class, error_key)`,
          )
          .get(campaignId) ?? { n: 0 }
      ).n;
      return { rows, total };
    },
    failureExamples(
      campaignId: number,
      group: { errorClass: FailureClass; key: string },
      limit: number,
    ): FailureExample[] {
      return db
        .prepare<[number, string, string, number], { id: number; address: string; last_error: string | null }>(
          `SELECT id, address, last_error FROM recipients
           WHERE campaign_id = ? AND state = 'failed' AND error_class = ? AND error_key = ? ORDER BY id LIMIT ?`,
        )
        .all(campaignId, group.errorClass, group.key, limit)
        .map((r) => ({ recipientId: r.id, address: r.address, message: r.last_error ?? 'Unknown error' }));
    },
    /** Failed rows written before failure keys existed get theirs (once, at open). */
    backfillFailureKeys(): number {
      const missing = db.prepare<[], { id: number; last_error: string | null }>(
        `SELECT id, last_error FROM recipients WHERE state = 'failed' AND error_key IS NULL LIMIT ${BULK_CHUNK}`,
      );
      const set = db.prepare('UPDATE recipients SET error_key = ? WHERE id = ?');
      let total = 0;
      for (;;) {
        const rows = missing.all();
        if (rows.length === 0) return total;
        db.transaction(() => {
          for (const r of rows) set.run(failureKey(r.last_error), r.id);
        })();
        total += rows.length;
      }
    },
    skipCounts(campaignId: number): Record<SkipReason, number> {
      const out: Record<SkipReason, number> = { suppressed: 0, cancelled: 0 };
      const rows = db
        .prepare<[number], { reason: SkipReason | null; n: number }>(
          `SELECT skip_reason AS reason, count(*) AS n FROM recipients INDEXED BY recipients_claim
           WHERE campaign_id = ? AND state = 'skipped' GROUP BY skip_reason`,
        )
        .all(campaignId);
      for (const r of rows) out[r.reason ?? 'suppressed'] += r.n;
      return out;
    },
    /** Uncertain rows in id order, a keyset page at a time. */
    uncertainPage(
      campaignId: number,
      after: number,
      limit: number,
    ): { rows: UncertainRecord[]; total: number; next: number | null } {
      const rows = db
        .prepare<[number, number, number], Row>(
          `SELECT * FROM recipients WHERE campaign_id = ? AND state = 'uncertain' AND id > ? ORDER BY id LIMIT ?`,
        )
        .all(campaignId, after, limit + 1);
      const more = rows.length > limit;
      if (more) rows.pop();
      const total = this.counts(campaignId).uncertain;
      return {
        rows: rows.map((r) => ({
          id: r.id,
          address: r.address,
          messageId: r.message_id,
          claimedAt: r.claimed_at,
          accountId: r.account_id,
          cause: r.uncertain_cause,
          handover: r.handover,
          lastError: r.last_error,
        })),
        total,
        next: more ? rows[rows.length - 1]!.id : null,
      };
    },
    /** Sends per bucket of `bucketMs` in [from, to), by sent_at; empty buckets are left out. */
    sentBuckets(campaignId: number, from: number, to: number, bucketMs: number): Map<number, number> {
      const rows = db
        .prepare<[number, number, number, number, number], { b: number; n: number }>(
          `SELECT CAST((sent_at - ?) / ? AS INTEGER) AS b, count(*) AS n FROM recipients INDEXED BY recipients_sent_at
           WHERE campaign_id = ? AND sent_at >= ? AND sent_at < ? GROUP BY b`,
        )
        .all(from, bucketMs, campaignId, from, to);
      return new Map(rows.map((r) => [r.b, r.n]));
    },
    firstSentAt(campaignId: number): number | null {
      return (
        db
          .prepare<[number], { t: number | null }>(
            'SELECT min(sent_at) AS t FROM recipients INDEXED BY recipients_sent_at WHERE campaign_id = ? AND sent_at IS NOT NULL',
          )
          .get(campaignId)?.t ?? null
      );
    },
    /** Whether any campaign has any recipient. */
    any(): boolean {
      return !!db.prepare('SELECT 1 FROM recipients LIMIT 1').get();
    },
    /** Messages an account sent, in every campaign. */
    countSentBy(accountId: number): number {
      return (
        db
          .prepare<[number], { n: number }>(
            "SELECT count(*) AS n FROM recipients WHERE account_id = ? AND state = 'sent'",
          )
          .get(accountId)?.n ?? 0
      );
    },
    sentSince(campaignId: number, since: number): number {
      return (
        db
          .prepare<[number, number], { n: number }>(
            'SELECT count(*) AS n FROM recipients WHERE campaign_id = ? AND sent_at >= ?',
          )
          .get(campaignId, since)?.n ?? 0
      );
    },
  };
  return repo;
}
