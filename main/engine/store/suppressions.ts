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
    /**
     * Newest first, a keyset page at a time. The cursor is opaque to callers: the created time
     * and key of the last row of the previous page.
     */
    list(opts: { search?: string; after?: string; limit: number }): {
      rows: Suppression[];
      total: number;
      next: string | null;
    } {
      const search = opts.search ? containsPattern(opts.search.toLowerCase()) : '%';
      const cursor = parseCursor(opts.after);
      const rows = db
        .prepare<{ search: string; at: number; key: string; limit: number; first: number }, Row>(
          `SELECT * FROM suppressions WHERE address_key LIKE @search ESCAPE '\\'
             AND (@first OR created_at < @at OR (created_at = @at AND address_key > @key))
           ORDER BY created_at DESC, address_key LIMIT @limit + 1`,
        )
        .all({ search, at: cursor?.at ?? 0, key: cursor?.key ?? '', limit: opts.limit, first: cursor ? 0 : 1 });
      const more = rows.length > opts.limit;
      if (more) rows.pop();
      const total = (
        db.prepare("SELECT count(*) AS n FROM suppressions WHERE address_key LIKE ? ESCAPE '\\'").get(search) as {
          n: number;
        }
      ).n;
      const last = rows[rows.length - 1];
      return {
        rows: rows.map(toSuppression),
        total,
        next: more && last ? `${last.created_at}:${last.address_key}` : null,
      };
    },
    /** Removes by key and returns what was removed, so it can be put back as it was. */
    removeReturning(keys: string[]): Suppression[] {
      const get = db.prepare<[string], Row>('SELECT * FROM suppressions WHERE address_key = ?');
      const del = db.prepare('DELETE FROM suppressions WHERE address_key = ?');
      const removed: Suppression[] = [];
      db.transaction(() => {
        for (const k of keys) {
          const r = get.get(k);
          if (r && del.run(k).changes > 0) removed.push(toSuppression(r));
        }
      })();
      return removed;
    },
    /** Puts entries back with their original reason, source and time; existing keys are kept. */
    restore(
      entries: { address: string; key: string; reason: SuppressionReason; source: string; createdAt: number }[],
    ): number {
      let restored = 0;
      db.transaction(() => {
        for (const e of entries) restored += upsert.run(e.key, e.address, e.reason, e.source, e.createdAt).changes;
      })();
      return restored;
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

function parseCursor(after: string | undefined): { at: number; key: string } | null {
  if (!after) return null;
  const i = after.indexOf(':');
  const at = Number(after.slice(0, i));
  if (i < 1 || !Number.isSafeInteger(at)) return null;
  return { at, key: after.slice(i + 1) };
}
