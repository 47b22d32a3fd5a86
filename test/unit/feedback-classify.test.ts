// The classifier and matcher over a corpus of notices in the formats the RFCs and the providers
// document (test/fixtures/feedback). Each row: what the message is, and which of our recipients
// it belongs to after matching.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bounceKindOf, classifyMail } from '../../main/engine/feedback/classify';
import { type Lookups, matchVerdict, type SentRef } from '../../main/engine/feedback/match';
import { parseMail } from '../../main/engine/feedback/parse';
import { verifyUnsubscribeToken } from '../../main/engine/messages/unsubscribe';
import type { FeedbackKind } from '../../shared/domain';

const DIR = path.join(import.meta.dirname, '../fixtures/feedback');
const KEY = Buffer.alloc(32, 7);

// The messages "we sent": Message-ID → recipient. Recipients 42 and 43 carry the fixtures' tokens.
const SENT: Record<string, SentRef> = {};
const BY_ID = new Map<number, SentRef>();
function sent(recipientId: number, address: string, messageId?: string) {
  const ref = { recipientId, campaignId: 1, address, addressKey: address.toLowerCase() };
  if (messageId) SENT[messageId] = ref;
  BY_ID.set(recipientId, ref);
}
sent(1, 'nobody@example.org', '<3f1c6a52-8d0e-4a57-9b2d-6e1f0c7a9b01@example.com>');
sent(2, 'slow@example.net', '<5a0b2f8c-7e6d-4c1b-a3f9-0d4e8b6c2a17@example.com>');
sent(3, 'no.such.user@gmail.com', '<7c4e1d93-2b8a-4f60-8e15-9a3d7b0c5f42@gmail.com>');
sent(4, 'gone@example.org', '<b6d2c84e-19f3-4a7e-8c05-3e9a1d7f2b60@gmail.com>');
sent(5, 'missing@contoso.com', '<2e9d4c71-6f3b-4a8e-b0c2-7d1e5f3a9c48@outlook.com>');
sent(6, 'full.box@corp.example', '<9e8d7c6b-5a49-4382-a1f0-e9d8c7b6a504@example.com>');
sent(7, 'ghost@example.net', '<c0ffee00-1d2e-4f3a-8b4c-5d6e7f8091a2@example.com>');
sent(8, 'nobody@oldhost.example', '<1a2b3c4d-5e6f-4071-8293-a4b5c6d7e8f9@example.com>');
sent(9, 'picky@bigcorp.example', '<77aa88bb-99cc-4dde-8eff-001122334455@example.com>');
sent(10, 'dana@yahoo.com', '<ab12cd34-ef56-4789-90ab-cdef01234567@example.com>');
sent(11, 'eve@example.fr', '<5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9@example.com>');
sent(12, 'frank@contoso.com', '<6f7a8b9c-0d1e-4f2a-b3c4-d5e6f7a8b9c0@example.com>');
sent(13, 'grace@example.kr', '<7a8b9c0d-1e2f-4a3b-c4d5-e6f7a8b9c0d1@example.com>');
sent(14, 'heidi@example.de', '<8b9c0d1e-2f3a-4b4c-d5e6-f7a8b9c0d1e2@example.com>');
sent(15, 'ivan@example.ru', '<9c0d1e2f-3a4b-4c5d-e6f7-a8b9c0d1e2f3@example.com>');
sent(42, 'bob@example.org');
sent(43, 'carol@example.net');
sent(18, 'happy@example.org', '<0d1e2f3a-4b5c-4d6e-f7a8-b9c0d1e2f3a4@example.com>');

const lookups: Lookups = {
  byMessageId: (id) => SENT[id] ?? null,
  byRecipientId: (id) => BY_ID.get(id) ?? null,
  tokenValid: (token, ref) => verifyUnsubscribeToken(KEY, token, ref.recipientId, ref.addressKey),
};

interface Row {
  file: string;
  /** What the classifier alone says. */
  kind: FeedbackKind;
  status?: string | null;
  address?: string | null;
  /** After matching: the recipient id, or null for "not ours". */
  recipient: number | null;
}

const CORPUS: Row[] = [
  // RFC 3464 reports
  { file: 'postfix-user-unknown', kind: 'hard_bounce', status: '5.1.1', address: 'nobody@example.org', recipient: 1 },
  { file: 'postfix-delayed', kind: 'soft_bounce', status: '4.4.1', address: 'slow@example.net', recipient: 2 },
  {
    file: 'gmail-address-not-found',
    kind: 'hard_bounce',
    status: '5.1.1',
    address: 'no.such.user@gmail.com',
    recipient: 3,
  },
  {
    file: 'outlook-recipient-not-found',
    kind: 'hard_bounce',
    status: '5.1.10',
    address: 'missing@contoso.com',
    recipient: 5,
  },
  {
    file: 'exchange-mailbox-full',
    kind: 'soft_bounce',
    status: '5.2.2',
    address: 'full.box@corp.example',
    recipient: 6,
  },
  { file: 'policy-block-5.7.1', kind: 'soft_bounce', status: '5.7.1', address: 'picky@bigcorp.example', recipient: 9 },
  { file: 'dsn-delivered', kind: 'unrelated', recipient: null },
  // text notices with the original quoted
  { file: 'gmail-legacy-text', kind: 'hard_bounce', status: '5.1.1', address: 'gone@example.org', recipient: 4 },
  { file: 'exim-text-bounce', kind: 'hard_bounce', status: '5.1.1', address: 'ghost@example.net', recipient: 7 },
  {
    file: 'qmail-failure-notice',
    kind: 'hard_bounce',
    status: '5.1.1',
    address: 'nobody@oldhost.example',
    recipient: 8,
  },
  // RFC 5965 complaint
  { file: 'arf-abuse-yahoo', kind: 'complaint', address: 'dana@yahoo.com', recipient: 10 },
  // RFC 3834 and common autoresponders
  { file: 'autoreply-rfc3834', kind: 'auto_reply', address: 'eve@example.fr', recipient: 11 },
  { file: 'autoreply-outlook-oof', kind: 'auto_reply', address: 'frank@contoso.com', recipient: 12 },
  { file: 'autoreply-x-autoreply', kind: 'auto_reply', address: 'grace@example.kr', recipient: 13 },
  // people
  { file: 'human-reply', kind: 'reply', address: 'heidi@example.de', recipient: 14 },
  { file: 'human-reply-in-thread', kind: 'reply', address: 'ivan@example.ru', recipient: 15 },
  // unsubscribe by mail: the token decides, not the From line
  { file: 'unsubscribe-plus-address', kind: 'unsubscribe', recipient: 42 },
  { file: 'unsubscribe-subject-token', kind: 'unsubscribe', recipient: 43 },
  { file: 'unsubscribe-forged-token', kind: 'unsubscribe', recipient: null },
  // not ours
  { file: 'unrelated-newsletter', kind: 'unrelated', recipient: null },
  { file: 'unrelated-keywords', kind: 'unrelated', recipient: null },
  { file: 'unrelated-foreign-bounce', kind: 'hard_bounce', status: '5.1.1', recipient: null },
];

describe('feedback corpus', () => {
  it('covers every fixture', () => {
    const files = fs.readdirSync(DIR).map((f) => f.replace(/\.eml$/, ''));
    expect(files.sort()).toEqual(CORPUS.map((r) => r.file).sort());
  });

  it.each(CORPUS)('$file → $kind', async (row) => {
    const mail = await parseMail(fs.readFileSync(path.join(DIR, `${row.file}.eml`)));
    const v = classifyMail(mail);
    expect(v.kind).toBe(row.kind);
    if (row.status !== undefined) expect(v.status).toBe(row.status);
    if (row.address !== undefined) expect(v.address).toBe(row.address);
    const m = matchVerdict(v, lookups);
    expect(m.recipient?.recipientId ?? null).toBe(row.recipient);
    expect(m.kind).toBe(row.recipient === null ? 'unrelated' : row.kind);
  });

  it('keeps the remote diagnostic of a bounce', async () => {
    const mail = await parseMail(fs.readFileSync(path.join(DIR, 'outlook-recipient-not-found.eml')));
    expect(classifyMail(mail).diagnostic).toMatch(/^550 5\.1\.10 RESOLVER\.ADR\.RecipientNotFound/);
  });
});

describe('bounceKindOf', () => {
  it.each<[string | null, FeedbackKind]>([
    ['5.1.1', 'hard_bounce'],
    ['5.1.10', 'hard_bounce'],
    ['5.2.1', 'hard_bounce'],
    ['5.4.4', 'hard_bounce'],
    ['5.0.0', 'hard_bounce'],
    ['5.2.2', 'soft_bounce'],
    ['5.3.4', 'soft_bounce'],
    ['5.4.7', 'soft_bounce'],
    ['5.7.1', 'soft_bounce'],
    ['5.7.515', 'soft_bounce'],
    ['4.2.2', 'soft_bounce'],
    ['4.4.1', 'soft_bounce'],
    [null, 'hard_bounce'],
  ])('%s → %s', (status, kind) => {
    expect(bounceKindOf(status, 'hard_bounce')).toBe(kind);
  });
});

describe('mayBeFeedback (headers only)', () => {
  it('lets every fixture that is ours through, so no feedback is lost before its body is read', async () => {
    const { mayBeFeedback } = await import('../../main/engine/feedback/classify');
    const { parseHeaderBlock, splitHead } = await import('../../main/engine/feedback/parse');
    for (const row of CORPUS) {
      const raw = fs.readFileSync(path.join(DIR, `${row.file}.eml`));
      const headers = parseHeaderBlock(splitHead(raw).head);
      if (row.recipient !== null) expect([row.file, mayBeFeedback(headers)]).toEqual([row.file, true]);
    }
    expect(mayBeFeedback(parseHeaderBlock('From: Jon <jon@example.com>\nSubject: Lunch?\nTo: ana@example.com'))).toBe(
      false,
    );
  });
});
