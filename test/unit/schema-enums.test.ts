// Every closed set of values lives twice: as an array in shared/domain.ts (what the code and the
// contract accept) and as a CHECK constraint in the schema (what the database accepts). This reads
// the CHECKs from the schema the real migrations build and holds them to the arrays, so the two
// cannot drift apart, and a new CHECK without its array (or the reverse) fails here.
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../main/engine/store/db';
import {
  ACCOUNT_KINDS,
  ACCOUNT_STATUSES,
  ACTIVITY_LEVELS,
  CAMPAIGN_STATUSES,
  COOLDOWN_CAUSES,
  FAILURE_CLASSES,
  FEEDBACK_READER_STATUSES,
  FEEDBACK_SIGNALS,
  HANDOVER_STAGES,
  RECIPIENT_STATES,
  ROTATION_POLICIES,
  SKIP_REASONS,
  SUPPRESSION_REASONS,
  UNCERTAIN_CAUSES,
} from '../../shared/domain';
import { tmpDir } from '../helpers/tmp';

/** table.column → the domain array its CHECK must list. */
const DOMAIN: Record<string, readonly string[]> = {
  'accounts.kind': ACCOUNT_KINDS,
  'accounts.status': ACCOUNT_STATUSES,
  'accounts.cooldown_cause': COOLDOWN_CAUSES,
  'campaigns.rotation': ROTATION_POLICIES,
  'campaigns.status': CAMPAIGN_STATUSES,
  'recipients.state': RECIPIENT_STATES,
  'recipients.error_class': FAILURE_CLASSES,
  'recipients.skip_reason': SKIP_REASONS,
  'recipients.uncertain_cause': UNCERTAIN_CAUSES,
  'recipients.handover': HANDOVER_STAGES,
  'suppressions.reason': SUPPRESSION_REASONS,
  'activity.level': ACTIVITY_LEVELS,
  'feedback.kind': FEEDBACK_SIGNALS,
  'recipients.feedback': FEEDBACK_SIGNALS,
  'feedback_readers.status': FEEDBACK_READER_STATUSES,
};

/** `column IN ('a', 'b', …)` inside the CREATE TABLE text SQLite keeps for each table. */
function checkedSets(sql: string): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const m of sql.matchAll(/\b(\w+)\s+IN\s*\(([^)]*)\)/gi)) {
    const values = [...m[2]!.matchAll(/'((?:[^']|'')*)'/g)].map((v) => v[1]!.replace(/''/g, "'"));
    if (values.length > 0) found.set(m[1]!, values);
  }
  return found;
}

function schemaChecks(): Map<string, string[]> {
  const file = path.join(tmpDir('ct-schema-'), 'schema.sqlite');
  openDatabase(file).close();
  const db = new Database(file, { readonly: true });
  try {
    const tables = db
      .prepare<[], { name: string; sql: string }>(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql IS NOT NULL AND name NOT LIKE 'sqlite_%'",
      )
      .all();
    const out = new Map<string, string[]>();
    for (const t of tables) for (const [column, values] of checkedSets(t.sql)) out.set(`${t.name}.${column}`, values);
    return out;
  } finally {
    db.close();
  }
}

describe('closed sets: domain arrays and schema CHECKs', () => {
  const checks = schemaChecks();

  it('has a domain array for every CHECK in the schema, and a CHECK for every array listed', () => {
    expect([...checks.keys()].sort()).toEqual(Object.keys(DOMAIN).sort());
  });

  it.each(Object.entries(DOMAIN))('%s lists exactly the domain values', (key, values) => {
    expect([...(checks.get(key) ?? [])].sort()).toEqual([...values].sort());
  });

  it('reads IN lists, quoted values and all', () => {
    const sql = "CREATE TABLE t (a TEXT CHECK (a IN ('x', 'it''s')), b TEXT CHECK (b IS NULL OR b IN ('y')), c INT)";
    expect(Object.fromEntries(checkedSets(sql))).toEqual({ a: ['x', "it's"], b: ['y'] });
  });
});
