import type { ActivityEntry } from '../../../shared/domain';
import type { Db } from './db';

interface Row {
  id: number;
  at: number;
  level: ActivityEntry['level'];
  campaign_id: number | null;
  account_id: number | null;
  message: string;
}
const toEntry = (r: Row): ActivityEntry => ({
  id: r.id,
  at: r.at,
  level: r.level,
  campaignId: r.campaign_id,
  accountId: r.account_id,
  message: r.message,
});

export function activityRepo(db: Db) {
  return {
    add(e: Omit<ActivityEntry, 'id'>): ActivityEntry {
      const info = db
        .prepare('INSERT INTO activity (at, level, campaign_id, account_id, message) VALUES (?, ?, ?, ?, ?)')
        .run(e.at, e.level, e.campaignId, e.accountId, e.message);
      return { ...e, id: Number(info.lastInsertRowid) };
    },
    list(campaignId: number | undefined, limit: number): ActivityEntry[] {
      const rows =
        campaignId === undefined
          ? db.prepare<[number], Row>('SELECT * FROM activity ORDER BY id DESC LIMIT ?').all(limit)
          : db
              .prepare<[number, number], Row>('SELECT * FROM activity WHERE campaign_id = ? ORDER BY id DESC LIMIT ?')
              .all(campaignId, limit);
      return rows.map(toEntry);
    },
  };
}
