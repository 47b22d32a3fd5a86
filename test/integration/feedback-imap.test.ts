// Feedback end to end with real parts: a campaign goes out through a private Postfix, Postfix
// bounces the unknown addresses into the sender's maildir, Dovecot serves it over IMAP, and the
// reader suppresses them. Replies and unsubscribe requests are dropped into the mailbox with IMAP
// APPEND; a reader stopped mid-read and started again records every message exactly once.

import fs from 'node:fs';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../main/engine/clock';
import { parseHeaderBlock, splitHead } from '../../main/engine/feedback/parse';
import type { EventName } from '../../shared/contract';
import type { Account, Recipient } from '../../shared/domain';
import { type Harness, limits, startEngine } from '../helpers/engine-harness';
import { MAIL_DOMAIN, type MailServers, mailServersAvailable, startMailServers } from '../helpers/mail-servers';
import { MemorySecrets } from '../helpers/memory-secrets';
import { missing } from '../helpers/services';
import { tmpDir } from '../helpers/tmp';

const available = mailServersAvailable();
const skip = missing('Postfix and Dovecot', available.ok, available.why);

const ANA = `ana@${MAIL_DOMAIN}`;
const CAROL = `carol@${MAIL_DOMAIN}`;
const GHOSTS = [1, 2, 3, 4].map((n) => `ghost${n}@${MAIL_DOMAIN}`);
const POLL_MS = 1_000;

/** Resolves when `done()` holds, checked after each of the engine's events of these names. */
function when(h: Harness, names: EventName[], done: () => boolean, what: string, ms = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out waiting for ${what}`));
    }, ms);
    const check = () => {
      if (!done()) return;
      clearTimeout(timer);
      off();
      resolve();
    };
    const off = h.engine.hub.subscribe((event) => {
      if (names.includes(event)) check();
    });
    check();
  });
}

async function imap(servers: MailServers, fn: (c: ImapFlow) => Promise<void>) {
  const c = new ImapFlow({
    host: '127.0.0.1',
    port: servers.imapPort,
    secure: false,
    doSTARTTLS: false,
    auth: { user: ANA, pass: servers.users[ANA]! },
    logger: false,
  });
  await c.connect();
  try {
    await fn(c);
  } finally {
    await c.logout();
  }
}

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe.skipIf(skip)('feedback from a real Postfix and Dovecot', () => {
  let servers: MailServers;
  let h: Harness;
  let account: Account;
  let campaignId: number;
  const dataDir = tmpDir('ct-feedback-');
  const secrets = new MemorySecrets();
  const engine = () => startEngine({ dataDir, secrets, clock: systemClock, feedbackPollMs: POLL_MS });

  beforeAll(async () => {
    servers = await startMailServers({ [ANA]: 'ana-imap-secret', [CAROL]: 'carol-secret' });
    h = await engine();
  });
  afterAll(async () => {
    await h?.close();
    await servers?.stop();
  });

  const rows = async () => (await h.call('recipients.list', { campaignId, limit: 100 })).rows;
  const byAddress = (list: Recipient[], a: string) => list.find((r) => r.address === a)!;

  it('suppresses the addresses Postfix bounced, within one polling interval of the bounce landing', async () => {
    account = await h.call('accounts.addSmtp', {
      label: 'Postfix',
      fromName: 'Ana',
      fromAddress: ANA,
      preset: 'custom',
      smtp: { host: '127.0.0.1', port: servers.smtpPort, security: 'none', username: null },
      password: null,
      limits: limits(),
    });
    const reader = await h.call('feedback.configure', {
      accountId: account.id,
      enabled: true,
      imap: { host: '127.0.0.1', port: servers.imapPort, security: 'none', username: ANA, mailbox: 'INBOX' },
      password: servers.users[ANA]!,
    });
    expect(reader).toMatchObject({ enabled: true, via: 'imap', imap: { username: ANA } });
    // The password went to the keychain, not the database.
    expect(fs.readFileSync(path.join(dataDir, 'campaign-tray.sqlite')).includes('ana-imap-secret')).toBe(false);

    const c = await h.call('campaigns.create', {
      name: 'Spring news',
      pool: [account.id],
      template: { subject: 'Spring news', body: '<p>Hello!</p>', format: 'html', text: null },
    });
    campaignId = c.id;
    const preview = await h.call('recipients.importPreview', {
      campaignId,
      source: { upload: { name: 'list.csv', base64: b64(['email', CAROL, ...GHOSTS].join('\n')) } },
    });
    await h.call('recipients.importCommit', { importId: preview.importId, emailColumn: 0 });
    await h.call('campaigns.start', { id: campaignId });
    const sent = () => h.engine.store.recipients.counts(campaignId).sent === 5;
    await when(h, ['campaign.progress', 'campaigns.changed'], sent, 'five sends');

    // Postfix hands the bounces to ana's maildir; the reader picks each up by IDLE or the next poll.
    const bounced = () => h.engine.store.feedback.counts(campaignId).hard_bounce === GHOSTS.length;
    let landedAt = 0;
    await when(
      h,
      ['feedback.changed'],
      () => {
        if (!landedAt && servers.maildirCount(ANA) >= GHOSTS.length) landedAt = Date.now();
        return bounced();
      },
      'four bounces read',
    );
    const lag = Date.now() - (landedAt || Date.now());
    expect(lag).toBeLessThan(POLL_MS + 2_000);

    const list = await rows();
    for (const g of GHOSTS) expect(byAddress(list, g)).toMatchObject({ state: 'sent', feedback: 'hard_bounce' });
    expect(byAddress(list, CAROL)).toMatchObject({ state: 'sent', feedback: null });
    const sup = await h.call('suppressions.list', { limit: 100 });
    expect(sup.rows.map((s) => s.address).sort()).toEqual([...GHOSTS].sort());
    expect(sup.rows.every((s) => s.reason === 'bounced')).toBe(true);
    const items = await h.call('feedback.list', { campaignId, limit: 100 });
    expect(items.rows.map((i) => i.status)).toEqual(GHOSTS.map(() => '5.1.1'));
    expect(servers.postfixLog()).toMatch(/sender non-delivery notification/);

    // Read-only: every bounce is still in the mailbox, none marked as seen.
    await imap(servers, async (client) => {
      await client.mailboxOpen('INBOX', { readOnly: true });
      const all = await client.fetchAll('1:*', { flags: true });
      expect(all.length).toBe(GHOSTS.length);
      expect(all.filter((m) => m.flags?.has('\\Seen'))).toEqual([]);
    });
  });

  it('acts on a reply and an unsubscribe request, and a reader stopped mid-read repeats and skips nothing', async () => {
    // What carol received is the real message, with its Message-ID and tokenised List-Unsubscribe.
    const inbox = path.join(servers.dir, 'mail', 'carol', 'new');
    const raw = fs.readFileSync(path.join(inbox, fs.readdirSync(inbox)[0]!));
    const carolMail = await simpleParser(raw);
    const listUnsubscribe = parseHeaderBlock(splitHead(raw).head)['list-unsubscribe']?.[0] ?? '';
    const mailto = new URL(listUnsubscribe.match(/<(mailto:[^>]+)>/)![1]!);
    expect(mailto.pathname).toMatch(/^ana(\+unsub-[0-9a-z]+-[0-9a-f]{20})?@test\.local$/);
    const subject = mailto.searchParams.get('subject')!;
    expect(subject).toMatch(/^unsubscribe [0-9a-z]+-[0-9a-f]{20}$/);

    const reply = [
      `From: Carol <${CAROL}>`,
      `To: ${ANA}`,
      'Subject: Re: Spring news',
      `Message-ID: <reply-1@${MAIL_DOMAIN}>`,
      `In-Reply-To: ${carolMail.messageId}`,
      `References: ${carolMail.messageId}`,
      '',
      'Sounds good, tell me more.',
      '',
    ].join('\r\n');
    const unsubscribe = [
      `From: Carol <${CAROL}>`,
      `To: ${decodeURIComponent(mailto.pathname)}`,
      `Subject: ${subject}`,
      `Message-ID: <unsub-1@${MAIL_DOMAIN}>`,
      '',
      '',
    ].join('\r\n');
    const unrelated = (n: number) =>
      [
        `From: Friend <friend${n}@example.org>`,
        `To: ${ANA}`,
        `Subject: Hello ${n}`,
        `Message-ID: <u${n}@example.org>`,
        '',
        'Hi!',
        '',
      ].join('\r\n');
    // Feedback first, then plenty of other mail the reader must skip without fetching bodies.
    const appended = [reply, unsubscribe, ...Array.from({ length: 150 }, (_, i) => unrelated(i))];
    // Reading off while the mail arrives, so the restart below lands in the middle of one pass.
    await h.call('feedback.configure', { accountId: account.id, enabled: false });
    await imap(servers, async (client) => {
      for (const m of appended) await client.append('INBOX', m);
    });
    const readerBefore = h.engine.store.feedback.reader(account.id)!.processed;

    // Stop the engine the moment the first of them is recorded: the reader is mid-mailbox.
    const first = new Promise<void>((resolve) => {
      const off = h.engine.hub.subscribe((event, payload) => {
        if (event === 'feedback.changed' && (payload as { campaignId: number | null }).campaignId !== null) {
          off();
          resolve();
        }
      });
    });
    await h.call('feedback.configure', { accountId: account.id, enabled: true });
    await first;
    await h.close();
    {
      const { openStore } = await import('../../main/engine/store');
      const s = openStore(path.join(dataDir, 'campaign-tray.sqlite'));
      const midway = s.feedback.reader(account.id)!.processed - readerBefore;
      s.close();
      expect(midway).toBeGreaterThan(0);
      expect(midway).toBeLessThan(appended.length);
    }

    // A pass that starts after the request reads to the end of the mailbox.
    h = await engine();
    await h.call('feedback.readNow', { accountId: account.id });
    expect(h.engine.store.feedback.reader(account.id)!.processed - readerBefore).toBe(appended.length);

    const counts = await h.call('feedback.counts', { campaignId });
    expect(counts).toMatchObject({ hard_bounce: 4, reply: 1, unsubscribe: 1, complaint: 0, soft_bounce: 0 });
    const items = await h.call('feedback.list', { campaignId, limit: 100 });
    expect(items.total).toBe(GHOSTS.length + 2);
    expect(byAddress(await rows(), CAROL).feedback).toBe('unsubscribe');
    const sup = await h.call('suppressions.list', { search: 'carol', limit: 10 });
    expect(sup.rows).toMatchObject([{ address: CAROL, reason: 'unsubscribed' }]);
    const activity = (await h.call('activity.list', { campaignId, limit: 100 })).map((a) => a.message);
    expect(activity.some((m) => m.includes(`${CAROL} replied`))).toBe(true);
    expect(activity.some((m) => m.includes(`${CAROL} unsubscribed by mail`))).toBe(true);
  });
});
