// Numbered schema migrations. Each runs in its own transaction that also sets user_version.
// Append only: never edit a migration that has shipped; add the next number instead.

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
CREATE TABLE accounts (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('outbox', 'smtp', 'gmail')),
  label TEXT NOT NULL,
  from_name TEXT NOT NULL,
  from_address TEXT NOT NULL,
  -- Server settings (host, port, security, username) or Gmail flags. Never a secret.
  settings TEXT NOT NULL DEFAULT '{}',
  preset TEXT,
  limits TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'needs_reauth')),
  cooldown_until INTEGER,
  -- Consecutive throttle answers; makes each cooldown longer than the last.
  cooldown_strikes INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE campaigns (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  template TEXT NOT NULL,
  pool TEXT NOT NULL DEFAULT '[]',
  rotation TEXT NOT NULL DEFAULT 'most_headroom' CHECK (rotation IN ('most_headroom', 'round_robin', 'fill_first')),
  reply_to TEXT,
  status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'sending', 'paused', 'done', 'cancelled')),
  position INTEGER NOT NULL,
  schedule_at INTEGER,
  send_window TEXT,
  retry TEXT NOT NULL,
  unsubscribe TEXT NOT NULL,
  attachments TEXT NOT NULL DEFAULT '[]',
  fields TEXT NOT NULL DEFAULT '[]',
  paused_reason TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE recipients (
  id INTEGER PRIMARY KEY,
  campaign_id INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
  address TEXT NOT NULL,
  -- Lower-cased address: the dedup key. The address itself is sent as written.
  address_key TEXT NOT NULL,
  fields TEXT NOT NULL DEFAULT '{}',
  state TEXT NOT NULL DEFAULT 'queued'
    CHECK (state IN ('queued', 'sending', 'sent', 'failed', 'skipped', 'uncertain')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL DEFAULT 0,
  account_id INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
  message_id TEXT,
  last_error TEXT,
  error_class TEXT
    CHECK (error_class IS NULL OR error_class IN ('throttle', 'quota', 'auth', 'recipient', 'message', 'transient')),
  lease_until INTEGER,
  sent_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (campaign_id, address_key)
) STRICT;
-- Claim next (campaign, queued, due first) and count by state both use this index.
CREATE INDEX recipients_claim ON recipients (campaign_id, state, next_attempt_at, id);
CREATE INDEX recipients_sent_at ON recipients (campaign_id, sent_at) WHERE sent_at IS NOT NULL;

CREATE TABLE suppressions (
  address_key TEXT PRIMARY KEY,
  address TEXT NOT NULL,
  reason TEXT NOT NULL CHECK (reason IN ('unsubscribed', 'bounced', 'complained', 'manual')),
  source TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- One row per attempt that may have reached the provider: the rolling-window caps count these,
-- so the caps hold across restarts.
CREATE TABLE send_ledger (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  campaign_id INTEGER,
  recipient_id INTEGER,
  at INTEGER NOT NULL
) STRICT;
CREATE INDEX send_ledger_account_at ON send_ledger (account_id, at);

CREATE TABLE activity (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  level TEXT NOT NULL CHECK (level IN ('info', 'warn', 'error')),
  campaign_id INTEGER,
  account_id INTEGER,
  message TEXT NOT NULL
) STRICT;
CREATE INDEX activity_campaign ON activity (campaign_id, id);

CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  campaign_id INTEGER,
  recipient_id INTEGER,
  message_id TEXT NOT NULL,
  recipient TEXT NOT NULL,
  subject TEXT NOT NULL,
  path TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX outbox_campaign ON outbox (campaign_id, id);

-- Non-secret settings (e.g. the Gmail OAuth client id). Secrets live in the OS keychain.
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT, WITHOUT ROWID;
`,
  },
  {
    version: 2,
    name: 'index for failures grouped by reason',
    // The dashboard groups failed rows by class and message several times a second; without this
    // index a campaign with 100k failures costs ~50 ms a refresh.
    sql: `CREATE INDEX recipients_failures ON recipients (campaign_id, state, error_class, last_error);`,
  },
  {
    version: 3,
    name: 'failures index holds failed rows only',
    // Every claim and every outcome changes a row's state; an index over all rows made each of
    // those writes update it too. Only failed rows are ever grouped.
    sql: `DROP INDEX recipients_failures;
CREATE INDEX recipients_failures ON recipients (campaign_id, error_class, last_error) WHERE state = 'failed';`,
  },
  {
    version: 4,
    name: 'feedback read from the sending mailboxes',
    // A bounce, complaint, reply or unsubscribe found in a sending mailbox. One row per message
    // read (UNIQUE source), so a mailbox read twice records nothing twice. The recipient keeps its
    // send state (sent stays sent: the message did leave) and gains the strongest feedback seen.
    sql: `
CREATE TABLE feedback (
  id INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  -- The notice's own Message-ID, or the mailbox's id for it when it has none.
  source TEXT NOT NULL,
  kind TEXT NOT NULL
    CHECK (kind IN ('hard_bounce', 'soft_bounce', 'complaint', 'auto_reply', 'reply', 'unsubscribe')),
  campaign_id INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
  recipient_id INTEGER NOT NULL REFERENCES recipients (id) ON DELETE CASCADE,
  address TEXT NOT NULL,
  status TEXT,
  diagnostic TEXT,
  subject TEXT NOT NULL DEFAULT '',
  received_at INTEGER,
  created_at INTEGER NOT NULL,
  UNIQUE (account_id, source)
) STRICT;
CREATE INDEX feedback_campaign ON feedback (campaign_id, kind, recipient_id);
CREATE INDEX feedback_recipient ON feedback (recipient_id);

ALTER TABLE recipients ADD COLUMN feedback TEXT
  CHECK (feedback IS NULL OR feedback IN ('hard_bounce', 'soft_bounce', 'complaint', 'auto_reply', 'reply', 'unsubscribe'));
ALTER TABLE recipients ADD COLUMN soft_bounces INTEGER NOT NULL DEFAULT 0;
-- Matching a notice to the message it is about.
CREATE INDEX recipients_message_id ON recipients (message_id) WHERE message_id IS NOT NULL;

-- One reader per sending account that the user opted in. Settings never hold a secret; the
-- cursor says how far the mailbox has been read (IMAP UIDVALIDITY and last UID, or Gmail's last
-- internal date), and moves in the same transaction as each message's consequence.
CREATE TABLE feedback_readers (
  account_id INTEGER PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
  enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
  settings TEXT NOT NULL DEFAULT '{}',
  cursor TEXT,
  status TEXT NOT NULL DEFAULT 'idle' CHECK (status IN ('idle', 'reading', 'error', 'needs_consent')),
  last_error TEXT,
  last_read_at INTEGER,
  processed INTEGER NOT NULL DEFAULT 0,
  updated_at INTEGER NOT NULL
) STRICT;
`,
  },
  {
    version: 5,
    name: 'soft-removed accounts, cooldown causes, campaign from name, skip and uncertain detail, failure keys',
    // Removed accounts keep their row so past sends keep their name. Skipped rows say whether the
    // address was suppressed or the campaign cancelled; uncertain rows say what is known. Failed
    // rows group by a masked key (store/failure-key.ts), written with the failure.
    sql: `
ALTER TABLE accounts ADD COLUMN removed_at INTEGER;
ALTER TABLE accounts ADD COLUMN cooldown_cause TEXT CHECK (cooldown_cause IS NULL OR cooldown_cause IN ('throttle', 'quota'));
UPDATE accounts SET cooldown_cause = CASE WHEN cooldown_strikes > 0 THEN 'throttle' ELSE 'quota' END
  WHERE cooldown_until IS NOT NULL;
ALTER TABLE campaigns ADD COLUMN from_name TEXT;
ALTER TABLE recipients ADD COLUMN skip_reason TEXT
  CHECK (skip_reason IS NULL OR skip_reason IN ('suppressed', 'cancelled'));
ALTER TABLE recipients ADD COLUMN uncertain_cause TEXT
  CHECK (uncertain_cause IS NULL OR uncertain_cause IN ('stopped', 'interrupted'));
ALTER TABLE recipients ADD COLUMN claimed_at INTEGER;
ALTER TABLE recipients ADD COLUMN error_key TEXT;
UPDATE recipients SET skip_reason = CASE
    WHEN last_error IS NOT 'Address is on the suppression list'
      AND campaign_id IN (SELECT id FROM campaigns WHERE status = 'cancelled') THEN 'cancelled'
    ELSE 'suppressed' END
  WHERE state = 'skipped';
UPDATE recipients SET uncertain_cause = CASE WHEN last_error LIKE 'The app stopped%' THEN 'stopped' ELSE 'interrupted' END
  WHERE state = 'uncertain';
-- Failed rows group by their key now; like the index it replaces, it holds failed rows only.
DROP INDEX recipients_failures;
CREATE INDEX recipients_failure_keys ON recipients (campaign_id, error_class, error_key, last_error)
  WHERE state = 'failed';
-- The outbox copy of an uncertain row is looked up by recipient.
CREATE INDEX outbox_recipient ON outbox (recipient_id);
`,
  },
  {
    version: 6,
    name: 'how far the handover of an uncertain row got',
    // Rows already uncertain get what their cause and account tell: a break after the whole
    // message was handed over names the transport's stage; a stop names the outbox copy written
    // since the claim, if there is one.
    sql: `
ALTER TABLE recipients ADD COLUMN handover TEXT
  CHECK (handover IS NULL OR handover IN ('smtp_body_sent', 'gmail_body_sent', 'outbox_written', 'app_stopped'));
UPDATE recipients SET handover = CASE
    WHEN uncertain_cause = 'stopped' THEN CASE
      WHEN EXISTS (SELECT 1 FROM outbox o WHERE o.recipient_id = recipients.id AND o.message_id = recipients.message_id
                     AND o.created_at >= coalesce(recipients.claimed_at, 0)) THEN 'outbox_written'
      ELSE 'app_stopped' END
    WHEN uncertain_cause = 'interrupted' THEN
      (SELECT CASE a.kind WHEN 'smtp' THEN 'smtp_body_sent' WHEN 'gmail' THEN 'gmail_body_sent' END
         FROM accounts a WHERE a.id = recipients.account_id)
  END
  WHERE state = 'uncertain';
`,
  },
  {
    version: 7,
    name: 'feedback without a mailbox: one-click unsubscribe requests',
    // A one-click request arrives over HTTPS, not in a mailbox: its row has no account. Such rows
    // are unique by their source alone (one per recipient), so a repeated request records nothing.
    // SQLite cannot drop NOT NULL in place, hence the copy.
    sql: `
CREATE TABLE feedback_next (
  id INTEGER PRIMARY KEY,
  -- The mailbox the notice was read from; NULL for a one-click request.
  account_id INTEGER REFERENCES accounts (id) ON DELETE CASCADE,
  source TEXT NOT NULL,
  kind TEXT NOT NULL
    CHECK (kind IN ('hard_bounce', 'soft_bounce', 'complaint', 'auto_reply', 'reply', 'unsubscribe')),
  campaign_id INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
  recipient_id INTEGER NOT NULL REFERENCES recipients (id) ON DELETE CASCADE,
  address TEXT NOT NULL,
  status TEXT,
  diagnostic TEXT,
  subject TEXT NOT NULL DEFAULT '',
  received_at INTEGER,
  created_at INTEGER NOT NULL,
  UNIQUE (account_id, source)
) STRICT;
INSERT INTO feedback_next SELECT id, account_id, source, kind, campaign_id, recipient_id, address, status, diagnostic,
  subject, received_at, created_at FROM feedback;
DROP TABLE feedback;
ALTER TABLE feedback_next RENAME TO feedback;
CREATE INDEX feedback_campaign ON feedback (campaign_id, kind, recipient_id);
CREATE INDEX feedback_recipient ON feedback (recipient_id);
CREATE UNIQUE INDEX feedback_without_mailbox ON feedback (source) WHERE account_id IS NULL;
`,
  },
  {
    version: 8,
    name: 'addresses of deleted campaigns, kept so their unsubscribe links still work',
    // Deleting a campaign deletes its recipients, yet mail already delivered carries their tokens
    // (recipient id + MAC over the address). Only the address survives, for rows that were sent
    // or may have been; nothing else of the recipient is kept. Recipient ids may be reused by
    // later imports (no AUTOINCREMENT), hence the address in the key.
    sql: `
CREATE TABLE deleted_recipients (
  recipient_id INTEGER NOT NULL,
  address TEXT NOT NULL,
  address_key TEXT NOT NULL,
  campaign_name TEXT NOT NULL,
  deleted_at INTEGER NOT NULL,
  PRIMARY KEY (recipient_id, address_key)
) STRICT, WITHOUT ROWID;
`,
  },
];

/** Throws if versions are not 1, 2, 3 … in order: a misnumbered file must never ship. */
export function assertMonotonic(list: readonly Migration[]): void {
  list.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`Migration ${m.name} has version ${m.version}, expected ${i + 1}`);
  });
}
