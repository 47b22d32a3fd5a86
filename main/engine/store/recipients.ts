import {
  emptyCounts,
  type FailureClass,
  type FailureGroup,
  type FeedbackSignal,
  type Recipient,
  type RecipientState,
  type StateCounts,
} from '../../../shared/domain';
import type { Db } from './db';
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
  };
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

export function recipientsRepo(db: Db) {
  // The planner's read: the next due row's id and whether its address is suppressed, nothing more.
  const nextDue = db.prepare<[number, number], { id: number; suppressed: number }>(
    `SELECT r.id, EXISTS (SELECT 1 FROM suppressions s WHERE s.address_key = r.address_key) AS suppressed
     FROM recipients r INDEXED BY recipients_claim
     WHERE r.campaign_id = ? AND r.state = 'queued' AND r.next_attempt_at <= ?
     ORDER BY r.next_attempt_at, r.id LIMIT 1`,
  );
  const lease = db.prepare<
    [number, number, string, number, number],
    Pick<Row, 'address' | 'address_key' | 'fields' | 'attempts' | 'message_id'>
  >(
    `UPDATE recipients SET state = 'sending', lease_until = ?, account_id = ?,
       message_id = coalesce(message_id, ?), updated_at = ?
     WHERE id = ? AND state = 'queued'
     RETURNING address, address_key, fields, attempts, message_id`,
  );
  const earliest = db.prepare<[number], { t: number | null }>(
    "SELECT min(next_attempt_at) AS t FROM recipients INDEXED BY recipients_claim WHERE campaign_id = ? AND state = 'queued'",
  );
  const skipOne = db.prepare(
    `UPDATE recipients SET state = 'skipped', last_error = 'Address is on the suppression list', updated_at = ?
     WHERE id = ? AND state = 'queued'`,
  );
  const insertLedger = db.prepare(
    'INSERT INTO send_ledger (account_id, campaign_id, recipient_id, at) VALUES (?, ?, ?, ?)',
  );
  const countByState = db.prepare<[number], { state: RecipientState; n: number }>(
    'SELECT state, count(*) AS n FROM recipients WHERE campaign_id = ? GROUP BY state',
  );
  const insertOne = db.prepare(
    `INSERT INTO recipients (campaign_id, address, address_key, fields, state, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (campaign_id, address_key) DO NOTHING`,
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
      const row = lease.get(now + leaseMs, accountId, newMessageId(), now, r.id);
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
    list(
      campaignId: number,
      opts: { state?: RecipientState; search?: string; offset: number; limit: number },
    ): { rows: Recipient[]; total: number } {
      const where = ['campaign_id = @campaignId'];
      if (opts.state) where.push('state = @state');
      if (opts.search) where.push("address_key LIKE @search ESCAPE '\\'");
      const params = {
        campaignId,
        state: opts.state ?? null,
        search: opts.search ? containsPattern(opts.search.toLowerCase()) : null,
        offset: opts.offset,
        limit: opts.limit,
      };
      const sqlWhere = where.join(' AND ');
      const rows = db
        .prepare<typeof params, Row>(
          `SELECT * FROM recipients WHERE ${sqlWhere} ORDER BY id LIMIT @limit OFFSET @offset`,
        )
        .all(params);
      const total = (db.prepare(`SELECT count(*) AS n FROM recipients WHERE ${sqlWhere}`).get(params) as { n: number })
        .n;
      return { rows: rows.map(toRecipient), total };
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
    /** Inserts a chunk in one transaction; existing (campaign, address_key) pairs are left alone. */
    insertMany(campaignId: number, rows: NewRecipient[], now: number, state: RecipientState = 'queued') {
      let added = 0;
      db.transaction(() => {
        for (const r of rows) {
          added += insertOne.run(
            campaignId,
            r.address,
            r.addressKey,
            JSON.stringify(r.fields),
            state,
            now,
            now,
          ).changes;
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
    /** After a crash: whatever was on the wire has an unknown outcome. Never resent silently. */
    sendingToUncertain(now: number): number {
      return db
        .prepare(
          `UPDATE recipients SET state = 'uncertain', lease_until = NULL,
             last_error = 'The app stopped while this message was being sent; it may or may not have been delivered.',
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
      opts: { resetAttempts?: boolean } = {},
    ): number {
      return db
        .prepare(
          `UPDATE recipients SET state = @to, next_attempt_at = 0, lease_until = NULL, updated_at = @now,
             attempts = CASE WHEN @reset THEN 0 ELSE attempts END,
             last_error = CASE WHEN @to = 'queued' THEN NULL ELSE last_error END,
             error_class = CASE WHEN @to = 'queued' THEN NULL ELSE error_class END
           WHERE id IN (SELECT id FROM recipients INDEXED BY recipients_claim
                        WHERE campaign_id = @campaignId AND state = @from LIMIT ${BULK_CHUNK})`,
        )
        .run({ to, from, now, campaignId, reset: opts.resetAttempts ? 1 : 0 }).changes;
    },
    /** Queued rows whose address is now suppressed become skipped, a chunk at a time. */
    skipSuppressedChunk(campaignId: number, now: number): number {
      return db
        .prepare(
          `UPDATE recipients SET state = 'skipped', last_error = 'Address is on the suppression list', updated_at = ?
           WHERE id IN (SELECT r.id FROM recipients r JOIN suppressions s ON s.address_key = r.address_key
                        WHERE r.campaign_id = ? AND r.state = 'queued' LIMIT ${BULK_CHUNK})`,
        )
        .run(now, campaignId).changes;
    },
    failureGroups(campaignId: number, limit = 20): FailureGroup[] {
      return db
        .prepare<[number, number], { error_class: FailureClass | null; last_error: string | null; n: number }>(
          `SELECT error_class, last_error, count(*) AS n FROM recipients
           WHERE campaign_id = ? AND state = 'failed' GROUP BY error_class, last_error ORDER BY n DESC LIMIT ?`,
        )
        .all(campaignId, limit)
        .map((r) => ({ errorClass: r.error_class ?? 'message', message: r.last_error ?? 'Unknown error', count: r.n }));
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
