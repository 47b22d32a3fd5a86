// The soak's independent view of the database: the rows as SQLite holds them, read with a
// read-only connection of its own, so the dashboard's numbers are compared with the table
// itself and not with the store code that also serves the dashboard.

import path from 'node:path';
import Database from 'better-sqlite3';
import { DB_FILE } from '../../main/engine/store/db';
import { emptyCounts, type RecipientState, type StateCounts } from '../../shared/domain';

export interface OracleRow {
  campaignId: number;
  address: string;
  state: RecipientState;
}

export function readRecipients(dataDir: string): OracleRow[] {
  const db = new Database(path.join(dataDir, DB_FILE), { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare('SELECT campaign_id AS campaignId, address, state FROM recipients ORDER BY id')
      .all() as OracleRow[];
  } finally {
    db.close();
  }
}

export function countsByCampaign(rows: OracleRow[]): Map<number, StateCounts> {
  const m = new Map<number, StateCounts>();
  for (const r of rows) {
    const c = m.get(r.campaignId) ?? emptyCounts();
    c[r.state]++;
    m.set(r.campaignId, c);
  }
  return m;
}
