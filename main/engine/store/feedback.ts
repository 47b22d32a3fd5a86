// Feedback records and the mailbox readers with their cursors. The one write per notice (record,
// the recipient's mark, suppression, cursor, pause: all or nothing) is steps.ts' commitFeedback.
import {
  type CampaignStatus,
  emptyFeedbackCounts,
  type FeedbackCounts,
  type FeedbackItem,
  type FeedbackReaderStatus,
  type FeedbackSignal,
  type SuppressionReason,
} from '../../../shared/domain';
import type { Db } from './db';

/** A recipient we sent to, as matching needs it. */
export interface SentRef {
  recipientId: number;
  campaignId: number;
  address: string;
  addressKey: string;
}

/** A recipient of a deleted campaign, kept only so that the unsubscribe links it was sent still work. */
export interface KeptRef {
  recipientId: number;
  address: string;
  addressKey: string;
  campaignName: string;
}

/** Where a notice came from: a mailbox, read up to `cursor`, or the one-click unsubscribe endpoint. */
export type FeedbackOrigin = { kind: 'mailbox'; accountId: number; cursor: string } | { kind: 'one_click' };

// What the commit step reads for the reaction policy (feedback/reaction.ts), and what it applies.
export interface FeedbackFacts {
  kind: FeedbackSignal;
  via: FeedbackOrigin['kind'];
  address: string;
  /** The recipient's strongest feedback so far. */
  current: FeedbackSignal | null;
  /** Soft bounces recorded for this recipient before this one. */
  softBounces: number;
  campaign: {
    name: string;
    status: CampaignStatus;
    sent: number;
    /** Distinct recipients with a hard bounce / complaint before this message. */
    hardBounced: number;
    complained: number;
  };
}

export interface FeedbackReaction {
  /** The recipient's new feedback mark; null leaves it as it is. */
  mark: FeedbackSignal | null;
  countSoftBounce: boolean;
  suppress: SuppressionReason | null;
  /** Pause the campaign with this reason (the user reads it on the dashboard). */
  pause: string | null;
  activity: { level: 'info' | 'warn'; message: string };
}

interface ReaderRow {
  account_id: number;
  enabled: number;
  settings: string;
  cursor: string | null;
  status: FeedbackReaderStatus;
  last_error: string | null;
  last_read_at: number | null;
  processed: number;
  updated_at: number;
}

export interface ReaderRecord {
  accountId: number;
  enabled: boolean;
  /** Reader settings as JSON-able data; never a secret. */
  settings: Record<string, unknown>;
  cursor: string | null;
  status: FeedbackReaderStatus;
  lastError: string | null;
  lastReadAt: number | null;
  processed: number;
}

const toReader = (r: ReaderRow): ReaderRecord => ({
  accountId: r.account_id,
  enabled: r.enabled === 1,
  settings: JSON.parse(r.settings),
  cursor: r.cursor,
  status: r.status,
  lastError: r.last_error,
  lastReadAt: r.last_read_at,
  processed: r.processed,
});

export interface FeedbackInput {
  kind: FeedbackSignal;
  recipient: SentRef;
  status: string | null;
  diagnostic: string | null;
  subject: string;
  receivedAt: number | null;
}

export interface CommitResult {
  /** False when this message was recorded before (read twice): nothing else changed. */
  recorded: boolean;
  reaction: FeedbackReaction | null;
  item: FeedbackItem | null;
  paused: { campaignId: number; name: string; from: CampaignStatus; reason: string } | null;
  /** An unsubscribe for a recipient of a deleted campaign: its address, and whether it was newly suppressed. */
  kept?: { ref: KeptRef; via: FeedbackOrigin['kind']; suppressed: boolean };
}

interface ItemRow {
  id: number;
  account_id: number | null;
  kind: FeedbackSignal;
  campaign_id: number;
  recipient_id: number;
  address: string;
  status: string | null;
  diagnostic: string | null;
  subject: string;
  received_at: number | null;
  created_at: number;
}
const toItem = (r: ItemRow): FeedbackItem => ({
  id: r.id,
  accountId: r.account_id,
  kind: r.kind,
  campaignId: r.campaign_id,
  recipientId: r.recipient_id,
  address: r.address,
  status: r.status,
  diagnostic: r.diagnostic,
  subject: r.subject,
  receivedAt: r.received_at,
  at: r.created_at,
});

/** Prepared on first use: a store opened at an older schema (tests, upgrades) must still build. */
function lazy<T>(make: () => T): () => T {
  let v: T | undefined;
  return () => {
    v ??= make();
    return v;
  };
}

export function feedbackRepo(db: Db) {
  const sentBy = lazy(() =>
    db.prepare<[string], { id: number; campaign_id: number; address: string; address_key: string }>(
      'SELECT id, campaign_id, address, address_key FROM recipients INDEXED BY recipients_message_id WHERE message_id = ?',
    ),
  );
  const recipientBy = lazy(() =>
    db.prepare<[number], { id: number; campaign_id: number; address: string; address_key: string }>(
      'SELECT id, campaign_id, address, address_key FROM recipients WHERE id = ?',
    ),
  );
  const insertItem = lazy(() =>
    db.prepare(
      `INSERT INTO feedback (account_id, source, kind, campaign_id, recipient_id, address, status, diagnostic, subject,
       received_at, created_at)
     VALUES (@accountId, @source, @kind, @campaignId, @recipientId, @address, @status, @diagnostic, @subject,
       @receivedAt, @now)
     ON CONFLICT DO NOTHING`,
    ),
  );
  const setCursor = lazy(() =>
    db.prepare(
      `UPDATE feedback_readers SET cursor = ?, last_read_at = ?, processed = processed + ?, updated_at = ?
     WHERE account_id = ?`,
    ),
  );
  const distinct = lazy(() =>
    db.prepare<[number, string], { n: number }>(
      'SELECT count(DISTINCT recipient_id) AS n FROM feedback WHERE campaign_id = ? AND kind = ?',
    ),
  );
  const keptBy = lazy(() =>
    db.prepare<[number], { address: string; address_key: string; campaign_name: string }>(
      'SELECT address, address_key, campaign_name FROM deleted_recipients WHERE recipient_id = ?',
    ),
  );
  const keepStmt = lazy(() =>
    db.prepare<[number, number]>(
      `INSERT INTO deleted_recipients (recipient_id, address, address_key, campaign_name, deleted_at)
       SELECT r.id, r.address, r.address_key, c.name, ? FROM recipients r JOIN campaigns c ON c.id = r.campaign_id
       WHERE r.campaign_id = ? AND r.state IN ('sent', 'uncertain')
       ON CONFLICT DO NOTHING`,
    ),
  );
  const toRef = (r: { id: number; campaign_id: number; address: string; address_key: string } | undefined) =>
    r ? { recipientId: r.id, campaignId: r.campaign_id, address: r.address, addressKey: r.address_key } : null;

  function facts(kind: FeedbackSignal, via: FeedbackOrigin['kind'], ref: SentRef): FeedbackFacts {
    // One read across the recipient, its campaign and the campaign's feedback; it writes nothing.
    const r = db
      .prepare<[number], { feedback: FeedbackSignal | null; soft_bounces: number }>(
        'SELECT feedback, soft_bounces FROM recipients WHERE id = ?',
      )
      .get(ref.recipientId)!;
    const c = db
      .prepare<[number], { name: string; status: CampaignStatus }>('SELECT name, status FROM campaigns WHERE id = ?')
      .get(ref.campaignId)!;
    const sent = db
      .prepare<[number], { n: number }>(
        "SELECT count(*) AS n FROM recipients INDEXED BY recipients_claim WHERE campaign_id = ? AND state = 'sent'",
      )
      .get(ref.campaignId)!.n;
    return {
      kind,
      via,
      address: ref.address,
      current: r.feedback,
      softBounces: r.soft_bounces,
      campaign: {
        name: c.name,
        status: c.status,
        sent,
        hardBounced: distinct().get(ref.campaignId, 'hard_bounce')!.n,
        complained: distinct().get(ref.campaignId, 'complaint')!.n,
      },
    };
  }

  return {
    byMessageId(messageId: string): SentRef | null {
      return toRef(sentBy().get(messageId));
    },
    byRecipientId(id: number): SentRef | null {
      return toRef(recipientBy().get(id));
    },
    /** The kept addresses of deleted campaigns' recipients with this id (usually none, rarely more). */
    keptByRecipientId(id: number): KeptRef[] {
      return keptBy()
        .all(id)
        .map((r) => ({
          recipientId: id,
          address: r.address,
          addressKey: r.address_key,
          campaignName: r.campaign_name,
        }));
    },
    /** Keeps the address of each recipient of a campaign that was sent, or may have been (before deleting it). */
    keepForUnsubscribe(campaignId: number, now: number): number {
      return keepStmt().run(now, campaignId).changes;
    },

    /** What the reaction policy reads about a notice's recipient and campaign (inside the commit). */
    facts,

    /**
     * Records one notice; null when this source was recorded before (a mailbox read twice, a
     * repeated one-click request), which is what keeps a notice from counting twice.
     */
    record(input: { accountId: number | null; source: string; item: FeedbackInput }, now: number): FeedbackItem | null {
      const { item } = input;
      const ins = insertItem().run({
        accountId: input.accountId,
        source: input.source,
        kind: item.kind,
        campaignId: item.recipient.campaignId,
        recipientId: item.recipient.recipientId,
        address: item.recipient.address,
        status: item.status,
        diagnostic: item.diagnostic,
        subject: item.subject.slice(0, 500),
        receivedAt: item.receivedAt,
        now,
      });
      if (ins.changes !== 1) return null;
      return toItem(
        db.prepare<[number], ItemRow>('SELECT * FROM feedback WHERE id = ?').get(Number(ins.lastInsertRowid))!,
      );
    },

    /** The reader has read up to `cursor` (one more message processed). */
    advanceCursor(accountId: number, cursor: string, now: number): void {
      setCursor().run(cursor, now, 1, now, accountId);
    },

    counts(campaignId: number): FeedbackCounts {
      const c = emptyFeedbackCounts();
      const rows = db
        .prepare<[number], { kind: FeedbackSignal; n: number }>(
          'SELECT kind, count(DISTINCT recipient_id) AS n FROM feedback WHERE campaign_id = ? GROUP BY kind',
        )
        .all(campaignId);
      for (const r of rows) c[r.kind] = r.n;
      return c;
    },
    list(
      campaignId: number,
      opts: { kind?: FeedbackSignal; offset: number; limit: number },
    ): { rows: FeedbackItem[]; total: number } {
      const where = opts.kind ? 'campaign_id = @campaignId AND kind = @kind' : 'campaign_id = @campaignId';
      const params = { campaignId, kind: opts.kind ?? null, offset: opts.offset, limit: opts.limit };
      const rows = db
        .prepare<typeof params, ItemRow>(
          `SELECT * FROM feedback WHERE ${where} ORDER BY id DESC LIMIT @limit OFFSET @offset`,
        )
        .all(params);
      const total = (db.prepare(`SELECT count(*) AS n FROM feedback WHERE ${where}`).get(params) as { n: number }).n;
      return { rows: rows.map(toItem), total };
    },

    // ---- readers ---------------------------------------------------------------------------------

    reader(accountId: number): ReaderRecord | null {
      const r = db.prepare<[number], ReaderRow>('SELECT * FROM feedback_readers WHERE account_id = ?').get(accountId);
      return r ? toReader(r) : null;
    },
    readers(): ReaderRecord[] {
      return db.prepare<[], ReaderRow>('SELECT * FROM feedback_readers ORDER BY account_id').all().map(toReader);
    },
    /** Turns a reader on or off with its settings. The cursor survives, so turning it back on resumes. */
    configure(accountId: number, enabled: boolean, settings: Record<string, unknown>, now: number): ReaderRecord {
      db.prepare(
        `INSERT INTO feedback_readers (account_id, enabled, settings, status, updated_at) VALUES (?, ?, ?, 'idle', ?)
         ON CONFLICT (account_id) DO UPDATE SET enabled = excluded.enabled, settings = excluded.settings,
           status = 'idle', last_error = NULL, updated_at = excluded.updated_at`,
      ).run(accountId, enabled ? 1 : 0, JSON.stringify(settings), now);
      return this.reader(accountId)!;
    },
    setStatus(accountId: number, status: FeedbackReaderStatus, error: string | null, now: number): void {
      db.prepare('UPDATE feedback_readers SET status = ?, last_error = ?, updated_at = ? WHERE account_id = ?').run(
        status,
        error,
        now,
        accountId,
      );
    },
    /** A new mailbox generation (UIDVALIDITY changed, or the cursor is unreadable): start over. */
    resetCursor(accountId: number, cursor: string | null, now: number): void {
      db.prepare('UPDATE feedback_readers SET cursor = ?, updated_at = ? WHERE account_id = ?').run(
        cursor,
        now,
        accountId,
      );
    },
  };
}
