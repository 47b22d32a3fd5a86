import type { Suppression, SuppressionReason } from '../../../shared/domain';
import type { Db } from './db';
import { containsPattern } from './like';

interface Row {
  address_key: string;
  address: string;
  reason: SuppressionReason;
  source: string;
  created_at: number;
}
const toSuppression = (r: Row): Suppression => ({
  address: r.address,
  reason: r.reason,
  source: r.source,
  createdAt: r.created_at,
});

export function suppressionsRepo(db: Db) {
  const upsert = db.prepare(
    `INSERT INTO suppressions (address_key, address, reason, source, created_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (address_key) DO NOTHING`,
  );
  return {
    /** Adds addresses (already validated, with their lower-cased keys). Returns how many were new. */
    add(items: { address: string; key: string }[], reason: SuppressionReason, source: string, now: number): number {
      let added = 0;
      db.transaction(() => {
        for (const i of items) added += upsert.run(i.key, i.address, reason, source, now).changes;
      })();
      return added;
    },
    remove(keys: string[]): number {
      let removed = 0;
      const del = db.prepare('DELETE FROM suppressions WHERE address_key = ?');
      db.transaction(() => {
        for (const k of keys) removed += del.run(k).changes;
      })();
      return removed;
    },
    has(key: string): boolean {
      return !!db.prepare('SELECT 1 FROM suppressions WHERE address_key = ?').get(key);
    },
    /** Which of these keys are suppressed (one query per chunk). */
    suppressedAmong(keys: string[]): Set<string> {
      if (keys.length === 0) return new Set();
      const rows = db
        .prepare<[string], { address_key: string }>(
          'SELECT address_key FROM suppressions WHERE address_key IN (SELECT value FROM json_each(?))',
        )
        .all(JSON.stringify(keys));
      return new Set(rows.map((r) => r.address_key));
    },
    list(opts: { search?: string; offset: number; limit: number }): { rows: Suppression[]; total: number } {
      const search = opts.search ? containsPattern(opts.search.toLowerCase()) : '%';
      const rows = db
        .prepare<[string, number, number], Row>(
          "SELECT * FROM suppressions WHERE address_key LIKE ? ESCAPE '\\' ORDER BY created_at DESC, address_key LIMIT ? OFFSET ?",
        )
        .all(search, opts.limit, opts.offset);
      const total = (
        db.prepare("SELECT count(*) AS n FROM suppressions WHERE address_key LIKE ? ESCAPE '\\'").get(search) as {
          n: number;
        }
      ).n;
      return { rows: rows.map(toSuppression), total };
    },
    *iterate(pageSize = 1_000): Generator<Suppression[]> {
      let after = '';
      const stmt = db.prepare<[string, number], Row>(
        'SELECT * FROM suppressions WHERE address_key > ? ORDER BY address_key LIMIT ?',
      );
      for (;;) {
        const rows = stmt.all(after, pageSize);
        if (rows.length === 0) return;
        after = rows[rows.length - 1]!.address_key;
        yield rows.map(toSuppression);
      }
    },
  };
}
