import type { Db } from './db';

export const DAY_MS = 24 * 60 * 60 * 1000;

export function ledgerRepo(db: Db) {
  const since = db.prepare<[number, number], { at: number }>(
    'SELECT at FROM send_ledger INDEXED BY send_ledger_account_at WHERE account_id = ? AND at > ? ORDER BY at',
  );
  return {
    /** Send times of one account inside the rolling 24 hours before `now`, oldest first. */
    window(accountId: number, now: number): number[] {
      return since.all(accountId, now - DAY_MS).map((r) => r.at);
    },
    /** A send outside any campaign's rows (a test send): it counts against the caps all the same. */
    recordLoose(accountId: number, at: number): number {
      return Number(
        db
          .prepare('INSERT INTO send_ledger (account_id, campaign_id, recipient_id, at) VALUES (?, NULL, NULL, ?)')
          .run(accountId, at).lastInsertRowid,
      );
    },
    /** Takes back an entry the provider never counted (refused before delivery). */
    refund(entryId: number): void {
      db.prepare('DELETE FROM send_ledger WHERE id = ?').run(entryId);
    },
    /** Entries older than the longest window are dead weight. */
    prune(now: number): number {
      return db.prepare('DELETE FROM send_ledger WHERE at <= ?').run(now - 2 * DAY_MS).changes;
    },
  };
}
