import type { OutboxItem } from '../../../shared/contract';
import type { Db } from './db';
import { containsPattern } from './like';

interface Row {
  id: number;
  campaign_id: number | null;
  recipient_id: number | null;
  message_id: string;
  recipient: string;
  subject: string;
  path: string;
  created_at: number;
}
const toItem = (r: Row): OutboxItem => ({
  id: r.id,
  campaignId: r.campaign_id,
  recipientId: r.recipient_id,
  messageId: r.message_id,
  to: r.recipient,
  subject: r.subject,
  path: r.path,
  createdAt: r.created_at,
});

export function outboxRepo(db: Db) {
  return {
    add(i: Omit<OutboxItem, 'id'>): OutboxItem {
      const info = db
        .prepare(
          'INSERT INTO outbox (campaign_id, recipient_id, message_id, recipient, subject, path, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
        )
        .run(i.campaignId, i.recipientId, i.messageId, i.to, i.subject, i.path, i.createdAt);
      return { ...i, id: Number(info.lastInsertRowid) };
    },
    get(id: number): OutboxItem | null {
      const r = db.prepare<[number], Row>('SELECT * FROM outbox WHERE id = ?').get(id);
      return r ? toItem(r) : null;
    },
    /** Newest first, a keyset page at a time; search matches recipient, subject and Message-ID. */
    list(opts: { campaignId?: number; search?: string; after?: number; limit: number }): {
      rows: OutboxItem[];
      total: number;
      next: number | null;
    } {
      const params = {
        campaignId: opts.campaignId ?? null,
        search: opts.search ? containsPattern(opts.search.toLowerCase()) : null,
        after: opts.after ?? null,
        limit: opts.limit,
      };
      const where = `(@campaignId IS NULL OR campaign_id = @campaignId)
        AND (@search IS NULL OR lower(recipient) LIKE @search ESCAPE '\\' OR lower(subject) LIKE @search ESCAPE '\\'
             OR lower(message_id) LIKE @search ESCAPE '\\')`;
      const rows = db
        .prepare<typeof params, Row>(
          `SELECT * FROM outbox WHERE ${where} AND (@after IS NULL OR id < @after) ORDER BY id DESC LIMIT @limit + 1`,
        )
        .all(params);
      const more = rows.length > opts.limit;
      if (more) rows.pop();
      const total = (db.prepare(`SELECT count(*) AS n FROM outbox WHERE ${where}`).get(params) as { n: number }).n;
      return { rows: rows.map(toItem), total, next: more ? rows[rows.length - 1]!.id : null };
    },
    /** The newest copy of a recipient's message in the outbox, if one was written. */
    latestFor(recipientId: number): number | null {
      return (
        db.prepare<[number], { id: number }>('SELECT max(id) AS id FROM outbox WHERE recipient_id = ?').get(recipientId)
          ?.id ?? null
      );
    },
    hasCampaignMessage(): boolean {
      return !!db
        .prepare('SELECT 1 FROM outbox WHERE campaign_id IS NOT NULL AND recipient_id IS NOT NULL LIMIT 1')
        .get();
    },
  };
}
