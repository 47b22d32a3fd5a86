// Rows of an import waiting for their commit. They live in a TEMP table of the engine's own
// connection: never in the database file, gone with the connection, and invisible to every
// query about recipients until one statement moves them into the campaign in one transaction.
import type { Db } from './db';

export interface StagedRow {
  /** The row's number among the file's data rows (1-based), for the report. */
  row: number;
  address: string;
  addressKey: string;
  fields: Record<string, string>;
}

export interface StagedCommit {
  added: number;
  duplicates: number;
  suppressed: number;
  /** The first rows left out because their address was already in the campaign or earlier in the file. */
  duplicateRows: { row: number; address: string }[];
  /** Every row the move left out, by file row number in file order: duplicates and suppressed ones. */
  leftOut: { duplicates: number[]; suppressed: number[] };
}

export function importStagingRepo(db: Db) {
  db.exec(`CREATE TEMP TABLE IF NOT EXISTS import_staging (
    import_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    row INTEGER NOT NULL,
    address TEXT NOT NULL,
    address_key TEXT NOT NULL,
    fields TEXT NOT NULL,
    PRIMARY KEY (import_id, seq)
  ) WITHOUT ROWID`);
  // Finding a row's earlier twin in the file must not scan the whole staging table per row.
  db.exec('CREATE INDEX IF NOT EXISTS temp.import_staging_key ON import_staging (import_id, address_key, seq)');
  const insert = db.prepare(
    'INSERT INTO temp.import_staging (import_id, seq, row, address, address_key, fields) VALUES (?, ?, ?, ?, ?, ?)',
  );
  // Before the move: rows whose address the campaign already has, or an earlier row of the file.
  const duplicatesOf = db.prepare<
    { importId: string; campaignId: number; limit: number },
    { row: number; address: string }
  >(
    `SELECT s.row, s.address FROM temp.import_staging s
     WHERE s.import_id = @importId
       AND NOT EXISTS (SELECT 1 FROM suppressions x WHERE x.address_key = s.address_key)
       AND (EXISTS (SELECT 1 FROM recipients r WHERE r.campaign_id = @campaignId AND r.address_key = s.address_key)
         OR EXISTS (SELECT 1 FROM temp.import_staging e
                    WHERE e.import_id = s.import_id AND e.address_key = s.address_key AND e.seq < s.seq))
     ORDER BY s.seq LIMIT @limit`,
  );
  const total = db.prepare<[string], { n: number }>(
    'SELECT count(*) AS n FROM temp.import_staging WHERE import_id = ?',
  );
  const suppressedCount = db.prepare<[string], { n: number }>(
    `SELECT count(*) AS n FROM temp.import_staging s
     WHERE s.import_id = ? AND EXISTS (SELECT 1 FROM suppressions x WHERE x.address_key = s.address_key)`,
  );
  // File order is kept, so the first of two rows with one address is the one that stays.
  const move = db.prepare(
    `INSERT INTO recipients (campaign_id, address, address_key, fields, state, created_at, updated_at)
     SELECT ?, s.address, s.address_key, s.fields, 'queued', ?, ? FROM temp.import_staging s
     WHERE s.import_id = ? AND NOT EXISTS (SELECT 1 FROM suppressions x WHERE x.address_key = s.address_key)
     ORDER BY s.seq
     ON CONFLICT (campaign_id, address_key) DO NOTHING`,
  );
  const lastRecipient = db.prepare<[], { id: number | null }>('SELECT max(id) AS id FROM recipients');
  // After the move: every staged row that did not become a recipient. Its address is suppressed,
  // or was in the campaign before the move (ids up to @before: new rows get higher ones), or an
  // earlier row of the file has it.
  const leftOut = db.prepare<
    { importId: string; campaignId: number; before: number },
    { row: number; suppressed: number }
  >(
    `SELECT s.row, EXISTS (SELECT 1 FROM suppressions x WHERE x.address_key = s.address_key) AS suppressed
     FROM temp.import_staging s
     WHERE s.import_id = @importId
       AND (EXISTS (SELECT 1 FROM suppressions x WHERE x.address_key = s.address_key)
         OR EXISTS (SELECT 1 FROM recipients r
                    WHERE r.campaign_id = @campaignId AND r.address_key = s.address_key AND r.id <= @before)
         OR EXISTS (SELECT 1 FROM temp.import_staging e
                    WHERE e.import_id = s.import_id AND e.address_key = s.address_key AND e.seq < s.seq))
     ORDER BY s.seq`,
  );
  const drop = db.prepare('DELETE FROM temp.import_staging WHERE import_id = ?');

  return {
    /** Appends rows (numbered from `firstSeq`) in one transaction. */
    add(importId: string, firstSeq: number, rows: readonly StagedRow[]): void {
      db.transaction(() => {
        rows.forEach((r, i) => {
          insert.run(importId, firstSeq + i, r.row, r.address, r.addressKey, JSON.stringify(r.fields));
        });
      })();
    },
    /**
     * Moves every staged row into the campaign, leaving out suppressed addresses, inside the
     * caller's transaction (so the rest of the commit shares its fate).
     */
    moveInto(importId: string, campaignId: number, now: number, maxDuplicates: number): StagedCommit {
      const staged = total.get(importId)?.n ?? 0;
      const suppressed = suppressedCount.get(importId)?.n ?? 0;
      const duplicateRows = maxDuplicates > 0 ? duplicatesOf.all({ importId, campaignId, limit: maxDuplicates }) : [];
      const before = lastRecipient.get()?.id ?? 0;
      const added = move.run(campaignId, now, now, importId).changes;
      // Only an import that left rows out pays for finding them (a first import of a list does not).
      const out: StagedCommit['leftOut'] = { duplicates: [], suppressed: [] };
      if (added < staged) {
        for (const r of leftOut.iterate({ importId, campaignId, before })) {
          (r.suppressed ? out.suppressed : out.duplicates).push(r.row);
        }
      }
      return { added, duplicates: staged - suppressed - added, suppressed, duplicateRows, leftOut: out };
    },
    discard(importId: string): void {
      drop.run(importId);
    },
  };
}
