// The feedback tables: the migration upgrades a database with sent mail, one commit per message
// is all-or-nothing and idempotent, and matching by Message-ID uses its index.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { reactToFeedback } from '../../main/engine/feedback/reaction';
import { transition } from '../../main/engine/policy/lifecycle';
import { createStore } from '../../main/engine/store';
import { DB_FILE, openDatabase, schemaVersion } from '../../main/engine/store/db';
import { migrations } from '../../main/engine/store/migrations';
import { openSql } from '../helpers/sql';
import { tmpDir } from '../helpers/tmp';

const limits = { perMinute: 10, perHour: 100, perDay: 1000, reserve: 0, minGapMs: 0, maxGapMs: 0, maxConcurrent: 1 };
const FEEDBACK_MIGRATION = migrations.findIndex((m) => m.name === 'feedback read from the sending mailboxes');

function seeded(file = path.join(tmpDir(), DB_FILE), list = migrations) {
  const store = createStore(openDatabase(file, list));
  const now = 1_000;
  const account = store.accounts.create(
    { kind: 'outbox', label: 'Outbox', fromName: 'T', fromAddress: 't@example.com', limits },
    now,
  );
  const campaign = store.campaigns.create(
    {
      name: 'Spring',
      template: { subject: 's', body: 'b', format: 'html', text: null },
      pool: [account.id],
      rotation: 'most_headroom',
      replyTo: null,
      fromName: null,
      scheduleAt: null,
      window: null,
      retry: { maxAttempts: 3, baseDelayMs: 1000, maxDelayMs: 10_000 },
      unsubscribe: { mailto: null, urlTemplate: null },
      attachments: [],
    },
    now,
  );
  store.recipients.insertMany(
    campaign.id,
    ['a@x.test', 'b@x.test'].map((a) => ({ address: a, addressKey: a, fields: {} })),
    now,
  );
  const sql = openSql(file);
  sql.prepare("UPDATE recipients SET state = 'sent', message_id = '<m-' || id || '@x.test>'").run();
  sql.close();
  return { store, account, campaign, file, now };
}

describe('feedback migration', () => {
  it('upgrades a database with sent mail: rows keep their state and gain no feedback', () => {
    // Rows as the schema before it held them (the store of today speaks the latest schema only).
    const file = path.join(tmpDir(), DB_FILE);
    const old = openDatabase(file, migrations.slice(0, FEEDBACK_MIGRATION));
    old.exec(`
      INSERT INTO accounts (id, kind, label, from_name, from_address, limits, created_at)
        VALUES (1, 'outbox', 'Outbox', 'T', 't@example.com', '{}', 0);
      INSERT INTO campaigns (id, name, template, status, position, retry, unsubscribe, created_at, updated_at)
        VALUES (1, 'Spring', '{}', 'done', 1, '{}', '{}', 0, 0);
      INSERT INTO recipients (campaign_id, address, address_key, state, message_id, created_at, updated_at) VALUES
        (1, 'a@x.test', 'a@x.test', 'sent', '<m-1@x.test>', 0, 0),
        (1, 'b@x.test', 'b@x.test', 'sent', '<m-2@x.test>', 0, 0);
    `);
    old.close();
    const db = openDatabase(file);
    expect(schemaVersion(db)).toBe(migrations.length);
    expect(db.prepare('SELECT state, feedback, soft_bounces FROM recipients ORDER BY id').all()).toEqual([
      { state: 'sent', feedback: null, soft_bounces: 0 },
      { state: 'sent', feedback: null, soft_bounces: 0 },
    ]);
    expect(() => db.prepare("UPDATE recipients SET feedback = 'bounced'").run()).toThrow(/CHECK/);
    db.close();
  });

  it('finds a message by its Message-ID through the index', () => {
    const { store, file } = seeded();
    const sql = openSql(file, { readonly: true });
    const plan = sql
      .prepare('EXPLAIN QUERY PLAN SELECT id FROM recipients INDEXED BY recipients_message_id WHERE message_id = ?')
      .all('<m-1@x.test>') as { detail: string }[];
    sql.close();
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/USING (COVERING )?INDEX recipients_message_id/);
    expect(store.feedback.byMessageId('<m-1@x.test>')).toMatchObject({ address: 'a@x.test' });
    expect(store.feedback.byMessageId('<nope@x.test>')).toBeNull();
  });
});

const BREAKER = transition('breaker', 'sending');

describe('feedback commit', () => {
  it('records, marks, suppresses and moves the cursor together, and a second read changes nothing', () => {
    const { store, account, campaign, now } = seeded();
    store.feedback.configure(account.id, true, {}, now);
    const ref = store.feedback.byMessageId('<m-1@x.test>')!;
    const cursor = '{"uidValidity":"1","lastUid":7}';
    const input = {
      origin: { kind: 'mailbox' as const, accountId: account.id, cursor },
      source: 'mid:<dsn-1@mx>',
      now,
      item: {
        kind: 'hard_bounce' as const,
        recipient: ref,
        status: '5.1.1',
        diagnostic: '550',
        subject: 'x',
        receivedAt: 5,
      },
    };
    const first = store.commitFeedback(input, (f) => reactToFeedback(f), BREAKER);
    expect(first.recorded).toBe(true);
    expect(store.recipients.get(ref.recipientId)).toMatchObject({ state: 'sent', feedback: 'hard_bounce' });
    expect(store.suppressions.has('a@x.test')).toBe(true);
    expect(store.feedback.reader(account.id)).toMatchObject({ cursor, processed: 1 });
    expect(store.feedback.counts(campaign.id).hard_bounce).toBe(1);

    // Read again (after a restart, or a new UIDVALIDITY): the same notice records nothing.
    const again = store.commitFeedback(
      { ...input, origin: { ...input.origin, cursor: '{"uidValidity":"2","lastUid":1}' } },
      (f) => reactToFeedback(f),
      BREAKER,
    );
    expect(again.recorded).toBe(false);
    expect(store.feedback.list(campaign.id, { offset: 0, limit: 10 }).total).toBe(1);
  });

  it('rolls back everything when the reaction fails half-way', () => {
    const { store, account, now } = seeded();
    store.feedback.configure(account.id, true, {}, now);
    const ref = store.feedback.byMessageId('<m-2@x.test>')!;
    expect(() =>
      store.commitFeedback(
        {
          origin: { kind: 'mailbox', accountId: account.id, cursor: 'c1' },
          source: 'mid:<r@x>',
          now,
          item: { kind: 'reply', recipient: ref, status: null, diagnostic: null, subject: 'Re', receivedAt: null },
        },
        () => {
          throw new Error('boom');
        },
        BREAKER,
      ),
    ).toThrow('boom');
    expect(store.feedback.list(ref.campaignId, { offset: 0, limit: 10 }).total).toBe(0);
    expect(store.feedback.reader(account.id)?.cursor).toBeNull();
  });

  it('pauses a sending campaign through the lifecycle move, which the planner sees', () => {
    const { store, account, campaign, now } = seeded();
    store.feedback.configure(account.id, true, {}, now);
    store.campaigns.forceStatusForTests(campaign.id, 'sending', null, now);
    const ref = store.feedback.byMessageId('<m-1@x.test>')!;
    const before = store.versions.campaigns;
    const result = store.commitFeedback(
      {
        origin: { kind: 'mailbox', accountId: account.id, cursor: 'c9' },
        source: 'mid:<arf@x>',
        now,
        item: { kind: 'complaint', recipient: ref, status: null, diagnostic: null, subject: 'ARF', receivedAt: null },
      },
      (f) => ({ ...reactToFeedback(f), pause: 'Too many complaints.' }),
      BREAKER,
    );
    expect(result.paused).toEqual({
      campaignId: campaign.id,
      name: 'Spring',
      from: 'sending',
      reason: 'Too many complaints.',
    });
    expect(store.campaigns.get(campaign.id)).toMatchObject({ status: 'paused', pausedReason: 'Too many complaints.' });
    // The planner re-reads campaigns only when this counter moves: a pause it missed would keep sending.
    expect(store.versions.campaigns).toBeGreaterThan(before);
    // A campaign no longer sending is not paused again.
    const again = store.commitFeedback(
      {
        origin: { kind: 'mailbox', accountId: account.id, cursor: 'c10' },
        source: 'mid:<arf-2@x>',
        now,
        item: {
          kind: 'complaint',
          recipient: store.feedback.byMessageId('<m-2@x.test>')!,
          status: null,
          diagnostic: null,
          subject: 'ARF',
          receivedAt: null,
        },
      },
      (f) => ({ ...reactToFeedback(f), pause: 'Too many complaints.' }),
      BREAKER,
    );
    expect(again).toMatchObject({ recorded: true, paused: null });
  });

  it('records a one-click request without a mailbox, once per recipient', () => {
    const { store, campaign, now } = seeded();
    const ref = store.feedback.byRecipientId(store.feedback.byMessageId('<m-1@x.test>')!.recipientId)!;
    const input = {
      origin: { kind: 'one_click' as const },
      source: `one-click:${ref.recipientId}`,
      now,
      item: {
        kind: 'unsubscribe' as const,
        recipient: ref,
        status: null,
        diagnostic: null,
        subject: '',
        receivedAt: now,
      },
    };
    const first = store.commitFeedback(input, (f) => reactToFeedback(f), BREAKER);
    expect(first).toMatchObject({ recorded: true, item: { accountId: null, kind: 'unsubscribe' } });
    expect(first.reaction?.activity.message).toMatch(/unsubscribed with the one-click link/);
    expect(store.suppressions.has('a@x.test')).toBe(true);
    expect(store.commitFeedback(input, (f) => reactToFeedback(f), BREAKER).recorded).toBe(false);
    expect(store.feedback.counts(campaign.id).unsubscribe).toBe(1);
    expect(store.feedback.list(campaign.id, { offset: 0, limit: 10 }).total).toBe(1);
  });
});

describe('feedback without a mailbox (migration)', () => {
  it('keeps every feedback row and its uniqueness per mailbox', () => {
    const file = path.join(tmpDir(), DB_FILE);
    const before = migrations.findIndex((m) => m.name.startsWith('feedback without a mailbox'));
    const old = openDatabase(file, migrations.slice(0, before));
    old.exec(`
      INSERT INTO accounts (id, kind, label, from_name, from_address, limits, created_at)
        VALUES (1, 'smtp', 'Team', 'T', 't@example.com', '{}', 0);
      INSERT INTO campaigns (id, name, template, status, position, retry, unsubscribe, created_at, updated_at)
        VALUES (1, 'Spring', '{}', 'done', 1, '{}', '{}', 0, 0);
      INSERT INTO recipients (id, campaign_id, address, address_key, state, message_id, created_at, updated_at)
        VALUES (1, 1, 'a@x.test', 'a@x.test', 'sent', '<m-1@x.test>', 0, 0);
      INSERT INTO feedback (account_id, source, kind, campaign_id, recipient_id, address, created_at)
        VALUES (1, 'mid:<n@x>', 'reply', 1, 1, 'a@x.test', 5);
    `);
    old.close();
    const db = openDatabase(file);
    expect(db.prepare('SELECT account_id, source, kind FROM feedback').all()).toEqual([
      { account_id: 1, source: 'mid:<n@x>', kind: 'reply' },
    ]);
    const insert = db.prepare(
      "INSERT INTO feedback (account_id, source, kind, campaign_id, recipient_id, address, created_at) VALUES (?, ?, 'unsubscribe', 1, 1, 'a@x.test', 6)",
    );
    expect(() => insert.run(1, 'mid:<n@x>')).toThrow(/UNIQUE/);
    insert.run(null, 'one-click:1');
    expect(() => insert.run(null, 'one-click:1')).toThrow(/UNIQUE/);
    expect(() => db.prepare("UPDATE feedback SET kind = 'bounced'").run()).toThrow(/CHECK/);
    db.close();
  });
});

describe('deleting a campaign', () => {
  it('keeps the address of each row that was sent or may have been, and nothing of the rest', () => {
    const { store, campaign, file, now } = seeded();
    store.recipients.insertMany(
      campaign.id,
      ['c@x.test', 'd@x.test'].map((a) => ({ address: a, addressKey: a, fields: {} })),
      now,
    );
    const sql = openSql(file);
    sql.prepare("UPDATE recipients SET state = 'uncertain' WHERE address = 'b@x.test'").run();
    sql.prepare("UPDATE recipients SET state = 'failed' WHERE address = 'c@x.test'").run();
    const ids = Object.fromEntries(
      (sql.prepare('SELECT id, address FROM recipients').all() as { id: number; address: string }[]).map((r) => [
        r.address,
        r.id,
      ]),
    );
    expect(store.deleteCampaign(campaign.id, now + 1)).toBe(true);
    expect(sql.prepare('SELECT count(*) AS n FROM recipients').get()).toEqual({ n: 0 });
    expect(store.feedback.byRecipientId(ids['a@x.test']!)).toBeNull();
    expect(store.feedback.keptByRecipientId(ids['a@x.test']!)).toEqual([
      { recipientId: ids['a@x.test'], address: 'a@x.test', addressKey: 'a@x.test', campaignName: 'Spring' },
    ]);
    expect(store.feedback.keptByRecipientId(ids['b@x.test']!)).toHaveLength(1);
    // Failed and never-sent rows carried no link that reached anyone.
    expect(store.feedback.keptByRecipientId(ids['c@x.test']!)).toEqual([]);
    expect(store.feedback.keptByRecipientId(ids['d@x.test']!)).toEqual([]);
    expect(sql.prepare('SELECT * FROM deleted_recipients ORDER BY address').all()).toEqual([
      {
        recipient_id: ids['a@x.test'],
        address: 'a@x.test',
        address_key: 'a@x.test',
        campaign_name: 'Spring',
        deleted_at: now + 1,
      },
      {
        recipient_id: ids['b@x.test'],
        address: 'b@x.test',
        address_key: 'b@x.test',
        campaign_name: 'Spring',
        deleted_at: now + 1,
      },
    ]);
    sql.close();
  });

  it('the migration adds the table to a database that has campaigns and leaves them as they were', () => {
    const file = path.join(tmpDir(), DB_FILE);
    const before = migrations.findIndex((m) => m.name.startsWith('addresses of deleted campaigns'));
    const old = openDatabase(file, migrations.slice(0, before));
    old.exec(`INSERT INTO campaigns (id, name, template, status, position, retry, unsubscribe, created_at, updated_at)
      VALUES (1, 'Spring', '{}', 'done', 1, '{}', '{}', 0, 0);`);
    old.close();
    const db = openDatabase(file);
    expect(schemaVersion(db)).toBe(migrations.length);
    expect(db.prepare('SELECT name FROM campaigns').all()).toEqual([{ name: 'Spring' }]);
    expect(db.prepare('SELECT count(*) AS n FROM deleted_recipients').get()).toEqual({ n: 0 });
    db.close();
  });
});
