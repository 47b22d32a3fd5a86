import type { OutboxItem } from '../../../shared/contract';
import type { Db } from './db';

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
    list(opts: { campaignId?: number; offset: number; limit: number }): { rows: OutboxItem[]; total: number } {
      const c = opts.campaignId ?? null;
      const rows = db
        .prepare<[number | null, number | null, number, number], Row>(
          'SELECT * FROM outbox WHERE (? IS NULL OR campaign_id = ?) ORDER BY id DESC LIMIT ? OFFSET ?',
        )
        .all(c, c, opts.limit, opts.offset);
      const total = (
        db.prepare('SELECT count(*) AS n FROM outbox WHERE (? IS NULL OR campaign_id = ?)').get(c, c) as { n: number }
      ).n;
      return { rows: rows.map(toItem), total };
    },
  };
}
