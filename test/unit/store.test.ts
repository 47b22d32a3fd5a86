import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../main/engine/errors';
import { createStore } from '../../main/engine/store';
import { DB_FILE, type Db, openDatabase, schemaVersion } from '../../main/engine/store/db';
import { assertMonotonic, migrations } from '../../main/engine/store/migrations';
import { recordOutcome } from '../helpers/outcomes';
import { openSql } from '../helpers/sql';
import { tmpDir } from '../helpers/tmp';

const limits = { perMinute: 10, perHour: 100, perDay: 1000, reserve: 0, minGapMs: 0, maxGapMs: 0, maxConcurrent: 1 };
const template = { subject: 's', body: 'b', format: 'html' as const, text: null };

/** A migrated database and the store on it; the raw connection is for the tests that need SQL. */
function fresh() {
  const db = openDatabase(path.join(tmpDir(), DB_FILE));
  return { db, store: createStore(db) };
}
function freshStore() {
  return fresh().store;
}
function seed(store: ReturnType<typeof freshStore>) {
  const now = 1_000;
  const account = store.accounts.create(
    { kind: 'outbox', label: 'Outbox', fromName: 'T', fromAddress: 't@example.com', limits },
    now,
  );
  const campaign = store.campaigns.create(
    {
      name: 'c',
      template,
      pool: [account.id],
      rotation: 'most_headroom',
      replyTo: null,
      scheduleAt: null,
      window: null,
      retry: { maxAttempts: 3, baseDelayMs: 1000, maxDelayMs: 10_000 },
      unsubscribe: { mailto: null, urlTemplate: null },
      attachments: [],
      fromName: null,
    },
    now,
  );
  return { account, campaign, now };
}

describe('migrations', () => {
  it('are numbered 1, 2, 3 … in order', () => {
    expect(() => assertMonotonic(migrations)).not.toThrow();
    expect(() => assertMonotonic([{ version: 2, name: 'x', sql: '' }])).toThrow(/expected 1/);
    expect(() =>
      assertMonotonic([
        { version: 1, name: 'a', sql: '' },
        { version: 3, name: 'b', sql: '' },
      ]),
    ).toThrow(/expected 2/);
  });

  it('bring a new file to the latest version with WAL, NORMAL sync, foreign keys and STRICT tables', () => {
    const db = openDatabase(path.join(tmpDir(), DB_FILE));
    expect(schemaVersion(db)).toBe(migrations.length);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    const tables = db.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'table'").all() as {
      name: string;
      sql: string;
    }[];
    expect(tables.length).toBeGreaterThanOrEqual(8);
    for (const t of tables) expect(t.sql, t.name).toMatch(/STRICT/);
    db.close();
  });

  it('run each step in its own transaction and resume from the stored version', () => {
    const file = path.join(tmpDir(), DB_FILE);
    const extra = [
      ...migrations,
      { version: migrations.length + 1, name: 'add a column', sql: 'ALTER TABLE settings ADD COLUMN note TEXT;' },
      { version: migrations.length + 2, name: 'broken', sql: 'CREATE TABLE oops (;' },
    ];
    expect(() => openDatabase(file, extra)).toThrow();
    // The good step committed, the broken one rolled back.
    const db = new Database(file);
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length + 1);
    expect(db.prepare("SELECT count(*) AS n FROM pragma_table_info('settings') WHERE name = 'note'").get()).toEqual({
      n: 1,
    });
    db.close();
  });

  it('refuse a database written by a newer version, leaving it untouched', () => {
    const file = path.join(tmpDir(), DB_FILE);
    openDatabase(file).close();
    const raw = new Database(file);
    raw.pragma(`user_version = ${migrations.length + 5}`);
    raw.close();
    const before = fs.readFileSync(file);
    expect(() => openDatabase(file)).toThrow(/newer version of Campaign Tray/);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  it('give a clear error for a corrupt file and never replace it with an empty database', () => {
    const file = path.join(tmpDir(), DB_FILE);
    fs.writeFileSync(file, Buffer.from('this is not sqlite at all, just text '.repeat(200)));
    const before = fs.readFileSync(file);
    let err: unknown;
    try {
      openDatabase(file);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AppError);
    expect((err as Error).message).toMatch(/damaged or is not a Campaign Tray database/);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  it('give a clear error for a location that cannot be written', () => {
    const dir = tmpDir();
    // A folder path that runs through a plain file fails for every user, root included.
    fs.writeFileSync(path.join(dir, 'plain-file'), 'x');
    expect(() => openDatabase(path.join(dir, 'plain-file', DB_FILE))).toThrow(/cannot be opened for writing/);
    if (process.getuid?.() !== 0) {
      // Permission bits only bind non-root users.
      const file = path.join(dir, DB_FILE);
      openDatabase(file).close();
      fs.chmodSync(file, 0o444);
      fs.chmodSync(dir, 0o555);
      try {
        expect(() => openDatabase(file)).toThrow(/cannot be opened for writing/);
      } finally {
        fs.chmodSync(dir, 0o755);
      }
    }
  });
});

describe('recipient state', () => {
  it('is a closed set enforced by a CHECK constraint', () => {
    const { db, store } = fresh();
    const { campaign } = seed(store);
    const insert = (state: string) =>
      db
        .prepare(
          'INSERT INTO recipients (campaign_id, address, address_key, state, created_at, updated_at) VALUES (?, ?, ?, ?, 0, 0)',
        )
        .run(campaign.id, `${state}@x.test`, `${state}@x.test`, state);
    for (const ok of ['queued', 'sending', 'sent', 'failed', 'skipped', 'uncertain'])
      expect(() => insert(ok)).not.toThrow();
    for (const bad of ['done', 'SENT', 'paused', '']) expect(() => insert(bad)).toThrow(/CHECK constraint/);
  });

  it('cannot hold the same address twice in one campaign (case-insensitive key)', () => {
    const store = freshStore();
    const { campaign, now } = seed(store);
    const r = store.recipients.insertMany(
      campaign.id,
      [
        { address: 'Ann@Example.com', addressKey: 'ann@example.com', fields: {} },
        { address: 'ann@example.com', addressKey: 'ann@example.com', fields: {} },
        { address: 'bob@example.com', addressKey: 'bob@example.com', fields: {} },
      ],
      now,
    );
    expect(r).toEqual({ added: 2, duplicates: 1 });
    expect(store.recipients.list(campaign.id, { limit: 10 }).rows.map((x) => x.address)).toEqual([
      'Ann@Example.com',
      'bob@example.com',
    ]);
  });
});

describe('the send path in the store', () => {
  it('claims in due order, fixes the Message-ID once, and keeps it across retries', () => {
    const store = freshStore();
    const { campaign, account, now } = seed(store);
    store.recipients.insertMany(
      campaign.id,
      ['a', 'b'].map((n) => ({ address: `${n}@x.test`, addressKey: `${n}@x.test`, fields: { n } })),
      now,
    );
    let ids = 0;
    const mid = () => `<id-${++ids}@x.test>`;
    const c1 = store.recipients.claim(campaign.id, account.id, now, 60_000, mid)!;
    expect(c1.address).toBe('a@x.test');
    expect(c1.messageId).toBe('<id-1@x.test>');
    expect(store.ledger.window(account.id, now)).toHaveLength(1);
    recordOutcome(
      store,
      c1,
      { state: 'queued', at: now + 500, spendAttempt: true, error: 'x', errorClass: 'transient' },
      now,
    );
    // b is due now, a only later.
    const c2 = store.recipients.claim(campaign.id, account.id, now, 60_000, mid)!;
    expect(c2.address).toBe('b@x.test');
    expect(store.recipients.claim(campaign.id, account.id, now, 60_000, mid)).toBeNull();
    const c3 = store.recipients.claim(campaign.id, account.id, now + 500, 60_000, mid)!;
    expect(c3.address).toBe('a@x.test');
    expect(c3.messageId).toBe('<id-1@x.test>');
    expect(c3.attempts).toBe(1);
  });

  it('refunds the ledger entry when an attempt did not reach the provider', () => {
    const store = freshStore();
    const { campaign, account, now } = seed(store);
    store.recipients.insertMany(campaign.id, [{ address: 'a@x.test', addressKey: 'a@x.test', fields: {} }], now);
    const c = store.recipients.claim(campaign.id, account.id, now, 60_000, () => '<m@x>')!;
    recordOutcome(
      store,
      c,
      { state: 'queued', at: now, spendAttempt: false, error: '421', errorClass: 'throttle' },
      now,
    );
    expect(store.ledger.window(account.id, now)).toHaveLength(0);
    expect(store.recipients.get(c.id)!.attempts).toBe(0);
  });

  it('skips a row that comes back after its campaign was cancelled, instead of queueing it again', () => {
    const store = freshStore();
    const { campaign, account, now } = seed(store);
    store.recipients.insertMany(campaign.id, [{ address: 'a@x.test', addressKey: 'a@x.test', fields: {} }], now);
    const c = store.recipients.claim(campaign.id, account.id, now, 60_000, () => '<m@x>')!;
    // Cancelled while the message was on the wire; then the server said "try again later".
    store.campaigns.forceStatusForTests(campaign.id, 'cancelled', null, now);
    recordOutcome(
      store,
      c,
      { state: 'queued', at: now + 60_000, spendAttempt: true, error: '451 4.3.0 later', errorClass: 'transient' },
      now,
    );
    expect(store.recipients.get(c.id)).toMatchObject({ state: 'skipped', skipReason: 'cancelled' });
    expect(store.recipients.counts(campaign.id).queued).toBe(0);
  });

  it('turns rows left in sending into uncertain after a crash', () => {
    const store = freshStore();
    const { campaign, account, now } = seed(store);
    store.recipients.insertMany(
      campaign.id,
      ['a', 'b', 'c'].map((n) => ({ address: `${n}@x.test`, addressKey: `${n}@x.test`, fields: {} })),
      now,
    );
    store.recipients.claim(campaign.id, account.id, now, 60_000, () => '<1@x>');
    store.recipients.claim(campaign.id, account.id, now, 60_000, () => '<2@x>');
    expect(store.recipients.sendingToUncertain(now)).toBe(2);
    expect(store.recipients.counts(campaign.id)).toMatchObject({ queued: 1, uncertain: 2, sending: 0 });
    expect(store.recipients.uncertainPage(campaign.id, 0, 10).rows.map((r) => [r.cause, r.handover])).toEqual([
      ['stopped', 'app_stopped'],
      ['stopped', 'app_stopped'],
    ]);
  });
});

describe('hot-path queries use their indexes', () => {
  const plan = (db: Db, sql: string, ...params: unknown[]) =>
    (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join(' | ');

  it.each([
    [
      'claim next',
      "SELECT * FROM recipients INDEXED BY recipients_claim WHERE campaign_id = 1 AND state = 'queued' AND next_attempt_at <= 5 ORDER BY next_attempt_at, id LIMIT 1",
      /USING INDEX recipients_claim/,
    ],
    [
      'count by state',
      'SELECT state, count(*) FROM recipients WHERE campaign_id = 1 GROUP BY state',
      /USING COVERING INDEX recipients_claim/,
    ],
    [
      'complete (by primary key)',
      "UPDATE recipients SET state = 'sent' WHERE id = 7 AND state = 'sending'",
      /USING INTEGER PRIMARY KEY/,
    ],
    [
      'ledger window',
      'SELECT at FROM send_ledger WHERE account_id = 1 AND at > 5 ORDER BY at',
      /USING COVERING INDEX send_ledger_account_at/,
    ],
    ['sent rate', 'SELECT count(*) FROM recipients WHERE campaign_id = 1 AND sent_at >= 5', /recipients_sent_at/],
    ['suppression lookup', "SELECT 1 FROM suppressions WHERE address_key = 'a'", /USING PRIMARY KEY/],
    [
      'failures grouped by reason',
      "SELECT error_class, error_key, min(last_error), count(*) FROM recipients WHERE campaign_id = 1 AND state = 'failed' GROUP BY error_class, error_key",
      /USING COVERING INDEX recipients_failure_keys/,
    ],
  ])('%s', (_name, sql, expected) => {
    const { db, store } = fresh();
    seed(store);
    const detail = plan(db, sql);
    expect(detail).toMatch(expected);
    expect(detail).not.toMatch(/SCAN recipients(?! USING)/);
  });
});

describe('upgrading an existing database', () => {
  it('brings a version-1 file with data to the latest version, keeping every row and filling in what is new', () => {
    const file = path.join(tmpDir(), DB_FILE);
    const v1 = openDatabase(file, migrations.slice(0, 1));
    // Rows as version 1 wrote them (the store of today speaks the latest schema only).
    v1.exec(`
      INSERT INTO accounts (id, kind, label, from_name, from_address, limits, cooldown_until, cooldown_strikes, created_at)
        VALUES (1, 'smtp', 'Throttled', 'T', 't@x.test', '{}', 5000, 2, 0),
               (2, 'smtp', 'Spent', 'S', 's@x.test', '{}', 5000, 0, 0),
               (3, 'gmail', 'Mail', 'M', 'm@x.test', '{}', NULL, 0, 0);
      INSERT INTO campaigns (id, name, template, status, position, retry, unsubscribe, created_at, updated_at)
        VALUES (1, 'live', '{}', 'paused', 1, '{}', '{}', 0, 0), (2, 'gone', '{}', 'cancelled', 2, '{}', '{}', 0, 0);
      INSERT INTO recipients (campaign_id, address, address_key, state, last_error, created_at, updated_at) VALUES
        (1, 'a@x.test', 'a@x.test', 'queued', NULL, 0, 0),
        (1, 'sup@x.test', 'sup@x.test', 'skipped', 'Address is on the suppression list', 0, 0),
        (1, 'imp@x.test', 'imp@x.test', 'skipped', NULL, 0, 0),
        (2, 'c@x.test', 'c@x.test', 'skipped', NULL, 0, 0),
        (2, 'sup@x.test', 'sup@x.test', 'skipped', 'Address is on the suppression list', 0, 0),
        (1, 'u1@x.test', 'u1@x.test', 'uncertain', 'The app stopped while this message was being sent; it may or may not have been delivered.', 0, 0),
        (1, 'u2@x.test', 'u2@x.test', 'uncertain', 'Connection broke', 0, 0),
        (1, 'u3@x.test', 'u3@x.test', 'uncertain', 'The app stopped while this message was being sent; it may or may not have been delivered.', 0, 0),
        (1, 'u4@x.test', 'u4@x.test', 'uncertain', 'No answer', 0, 0),
        (1, 'f1@x.test', 'f1@x.test', 'failed', 'Rejected (550 5.1.1 <f1@x.test>: User unknown)', 0, 0),
        (1, 'f2@x.test', 'f2@x.test', 'failed', 'Rejected (550 5.1.1 <f2@x.test>: User unknown)', 0, 0);
    `);
    // Who sent the uncertain ones, and the local outbox's copy of u3's message.
    v1.exec(`
      UPDATE recipients SET account_id = 1, message_id = '<u2@x>' WHERE address = 'u2@x.test';
      UPDATE recipients SET message_id = '<u3@x>' WHERE address = 'u3@x.test';
      UPDATE recipients SET account_id = 3, message_id = '<u4@x>' WHERE address = 'u4@x.test';
      INSERT INTO outbox (campaign_id, recipient_id, message_id, recipient, subject, path, created_at)
        SELECT 1, id, '<u3@x>', 'u3@x.test', 'Hi', 'u3.eml', 0 FROM recipients WHERE address = 'u3@x.test';
    `);
    v1.close();
    const store = createStore(openDatabase(file));
    const sql = openSql(file);
    expect(schemaVersion(sql)).toBe(migrations.length);
    const rows = sql
      .prepare('SELECT address, campaign_id AS c, skip_reason, uncertain_cause, error_key FROM recipients ORDER BY id')
      .all();
    expect(rows).toEqual([
      { address: 'a@x.test', c: 1, skip_reason: null, uncertain_cause: null, error_key: null },
      { address: 'sup@x.test', c: 1, skip_reason: 'suppressed', uncertain_cause: null, error_key: null },
      { address: 'imp@x.test', c: 1, skip_reason: 'suppressed', uncertain_cause: null, error_key: null },
      { address: 'c@x.test', c: 2, skip_reason: 'cancelled', uncertain_cause: null, error_key: null },
      { address: 'sup@x.test', c: 2, skip_reason: 'suppressed', uncertain_cause: null, error_key: null },
      { address: 'u1@x.test', c: 1, skip_reason: null, uncertain_cause: 'stopped', error_key: null },
      { address: 'u2@x.test', c: 1, skip_reason: null, uncertain_cause: 'interrupted', error_key: null },
      { address: 'u3@x.test', c: 1, skip_reason: null, uncertain_cause: 'stopped', error_key: null },
      { address: 'u4@x.test', c: 1, skip_reason: null, uncertain_cause: 'interrupted', error_key: null },
      // Keyed when the store opens, so old failures group with new ones.
      {
        address: 'f1@x.test',
        c: 1,
        skip_reason: null,
        uncertain_cause: null,
        error_key: 'Rejected (550 5.1.1 <address>: User unknown)',
      },
      {
        address: 'f2@x.test',
        c: 1,
        skip_reason: null,
        uncertain_cause: null,
        error_key: 'Rejected (550 5.1.1 <address>: User unknown)',
      },
    ]);
    expect(
      sql
        .prepare("SELECT address, uncertain_cause, handover FROM recipients WHERE state = 'uncertain' ORDER BY id")
        .all(),
    ).toEqual([
      { address: 'u1@x.test', uncertain_cause: 'stopped', handover: 'app_stopped' },
      { address: 'u2@x.test', uncertain_cause: 'interrupted', handover: 'smtp_body_sent' },
      { address: 'u3@x.test', uncertain_cause: 'stopped', handover: 'outbox_written' },
      { address: 'u4@x.test', uncertain_cause: 'interrupted', handover: 'gmail_body_sent' },
    ]);
    expect(
      sql.prepare("SELECT count(*) AS n FROM recipients WHERE handover IS NOT NULL AND state != 'uncertain'").get(),
    ).toEqual({ n: 0 });
    expect(store.recipients.failureGroups(1, { offset: 0, limit: 10 })).toMatchObject({
      total: 1,
      rows: [{ count: 2 }],
    });
    expect(store.accounts.withRemoved(1)).toMatchObject({ cooldownCause: 'throttle', removedAt: null });
    expect(store.accounts.withRemoved(2)).toMatchObject({ cooldownCause: 'quota' });
    expect(store.campaigns.get(1)!.fromName).toBeNull();
    const check = (statement: string) => () => sql.exec(statement);
    expect(check("UPDATE recipients SET skip_reason = 'bored' WHERE id = 1")).toThrow(/CHECK constraint/);
    expect(check("UPDATE recipients SET uncertain_cause = 'maybe' WHERE id = 1")).toThrow(/CHECK constraint/);
    expect(check("UPDATE recipients SET handover = 'halfway' WHERE id = 1")).toThrow(/CHECK constraint/);
    expect(check("UPDATE accounts SET cooldown_cause = 'sleepy' WHERE id = 1")).toThrow(/CHECK constraint/);
    sql.close();
    store.close();
  });
});

describe('search', () => {
  it('takes % and _ in the search text literally, for recipients and suppressions alike', () => {
    const store = freshStore();
    const { campaign } = seed(store);
    const addresses = ['a_b@x.test', 'axb@x.test', '100%@x.test', '1000@x.test'];
    store.recipients.insertMany(
      campaign.id,
      addresses.map((a) => ({ address: a, addressKey: a, fields: {} })),
      0,
    );
    store.suppressions.add(
      addresses.map((a) => ({ address: a, key: a })),
      'manual',
      'test',
      0,
    );
    const recipients = (search: string) =>
      store.recipients.list(campaign.id, { search, limit: 10 }).rows.map((r) => r.address);
    const suppressed = (search: string) => store.suppressions.list({ search, limit: 10 }).rows.map((s) => s.address);
    expect(recipients('A_B')).toEqual(['a_b@x.test']);
    expect(recipients('0%')).toEqual(['100%@x.test']);
    expect(suppressed('a_b')).toEqual(['a_b@x.test']);
    expect(suppressed('0%@')).toEqual(['100%@x.test']);
    expect(suppressed('x.test')).toHaveLength(4);
  });
});
