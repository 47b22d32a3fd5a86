import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../main/engine/errors';
import { buildMessage, type MessageInput, newMessageId, oneLine } from '../../main/engine/messages/build';
import { listUnsubscribe, mailtoUri, unsubscribeHeaders } from '../../main/engine/messages/unsubscribe';
import { tmpDir } from '../helpers/tmp';

// mailparser ships no type declarations; this is the part the tests read.
interface ParsedAddress {
  value: { address?: string; name: string }[];
  text: string;
}
interface ParsedMail {
  subject?: string;
  messageId?: string;
  date?: Date;
  text?: string;
  html?: string | false;
  from?: ParsedAddress;
  to?: ParsedAddress;
  replyTo?: ParsedAddress;
  bcc?: ParsedAddress;
  headers: Map<string, unknown>;
  headerLines: { key: string; line: string }[];
  attachments: { filename?: string; contentType: string; content: Buffer; size: number }[];
}
const { simpleParser } = createRequire(import.meta.url)('mailparser') as {
  simpleParser: (source: Buffer) => Promise<ParsedMail>;
};

function input(over: Partial<MessageInput> = {}): MessageInput {
  return {
    from: { name: 'Ann Sender', address: 'ann@example.com' },
    to: 'bob@example.org',
    replyTo: null,
    subject: 'Hello Bob',
    html: '<p>Hello <b>Bob</b></p>',
    text: 'Hello Bob',
    messageId: '<r1.c1@example.com>',
    date: new Date(Date.UTC(2026, 0, 5, 9, 30, 0)),
    attachments: [],
    listUnsubscribe: { mailto: 'ann@example.com', url: null },
    meta: { campaignId: 1, recipientId: 7, subject: 'Hello Bob' },
    ...over,
  };
}

async function rejected(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected an AppError');
}

const headerKeys = (raw: Buffer) =>
  raw
    .toString('latin1')
    .split('\r\n\r\n')[0]!
    .split('\r\n')
    .filter((l) => !/^\s/.test(l))
    .map((l) => l.slice(0, l.indexOf(':')).toLowerCase());

describe('buildMessage', () => {
  it('builds a multipart/alternative message with the expected headers', async () => {
    const m = await buildMessage(input({ replyTo: 'replies@example.com' }));
    expect(m.envelope).toEqual({ from: 'ann@example.com', to: ['bob@example.org'] });
    expect(m.messageId).toBe('<r1.c1@example.com>');
    expect(m.meta).toEqual({ campaignId: 1, recipientId: 7, subject: 'Hello Bob' });

    const mail = await simpleParser(m.raw);
    expect(mail.subject).toBe('Hello Bob');
    expect(mail.messageId).toBe('<r1.c1@example.com>');
    expect(mail.date?.toISOString()).toBe('2026-01-05T09:30:00.000Z');
    expect(mail.from?.value).toEqual([{ address: 'ann@example.com', name: 'Ann Sender' }]);
    expect(mail.to?.value).toEqual([{ address: 'bob@example.org', name: '' }]);
    expect(mail.replyTo?.value).toEqual([{ address: 'replies@example.com', name: '' }]);
    expect(mail.text?.trim()).toBe('Hello Bob');
    expect(mail.html).toBe('<p>Hello <b>Bob</b></p>');
    expect(
      String(mail.headers.get('content-type') && (mail.headers.get('content-type') as { value: string }).value),
    ).toBe('multipart/alternative');
    expect(mail.attachments).toHaveLength(0);
    // No Bcc, no X-Mailer: only what the app means to send.
    expect(headerKeys(m.raw).sort()).toEqual(
      [
        'content-type',
        'date',
        'from',
        'list-unsubscribe',
        'message-id',
        'mime-version',
        'reply-to',
        'subject',
        'to',
      ].sort(),
    );
  });

  it('leaves Reply-To out when there is none', async () => {
    const m = await buildMessage(input());
    expect(headerKeys(m.raw)).not.toContain('reply-to');
  });

  it('encodes UTF-8 subjects and non-ASCII names as encoded words', async () => {
    const m = await buildMessage(
      input({
        from: { name: 'Jürgen Müller, "Sales"', address: 'j@example.com' },
        subject: 'Grüße aus Köln 🎉 — 東京',
      }),
    );
    const head = m.raw.toString('latin1').split('\r\n\r\n')[0]!;
    expect(head).toMatch(/^Subject: =\?UTF-8\?[QB]\?/m);
    expect(head).not.toMatch(/[^\x00-\x7f]/);
    const mail = await simpleParser(m.raw);
    expect(mail.subject).toBe('Grüße aus Köln 🎉 — 東京');
    expect(mail.from?.value).toEqual([{ address: 'j@example.com', name: 'Jürgen Müller, "Sales"' }]);
  });

  it.each<[string, Partial<MessageInput>]>([
    ['subject', { subject: 'Hi\r\nBcc: evil@x' }],
    ['subject with bare LF', { subject: 'Hi\nBcc: evil@x' }],
    ['sender name', { from: { name: 'Ann\r\nBcc: evil@x', address: 'ann@example.com' } }],
    ['unsubscribe URL', { listUnsubscribe: { mailto: 'ann@example.com', url: 'https://x.example/u\r\nBcc: evil@x' } }],
  ])('keeps a CR/LF in the %s from starting a header', async (_, over) => {
    const m = await buildMessage(input(over));
    expect(headerKeys(m.raw)).not.toContain('bcc');
    const mail = await simpleParser(m.raw);
    expect(mail.bcc).toBeUndefined();
    expect(mail.headers.has('bcc')).toBe(false);
    expect(m.envelope.to).toEqual(['bob@example.org']);
  });

  it('keeps a CR/LF in an attachment name from starting a header', async () => {
    const file = path.join(tmpDir(), 'x.txt');
    fs.writeFileSync(file, 'x');
    const m = await buildMessage(
      input({
        attachments: [{ filename: 'x\r\nBcc: evil@x.txt', path: file, contentType: 'text/plain\r\nBcc: evil@x' }],
      }),
    );
    expect(m.raw.toString()).not.toMatch(/^Bcc:/im);
    const mail = await simpleParser(m.raw);
    expect(mail.bcc).toBeUndefined();
    expect(mail.attachments[0]?.filename).toBe('x Bcc: evil@x.txt');
  });

  it.each<[string, Partial<MessageInput>]>([
    ['recipient', { to: 'bob@example.org\r\nBcc: evil@x' }],
    ['recipient list', { to: 'bob@example.org, evil@x.example' }],
    ['reply-to', { replyTo: 'r@example.com\r\nBcc: evil@x' }],
    ['sender', { from: { name: 'A', address: 'ann@example.com>\r\nBcc: evil@x' } }],
    ['unsubscribe address', { listUnsubscribe: { mailto: 'x@example.com\r\nBcc: evil@x', url: null } }],
  ])('refuses a %s that is not a single address', async (_, over) => {
    const err = await rejected(buildMessage(input(over)));
    expect(err.code).toBe('invalid_input');
    expect(err.message).toMatch(/not a single email address/);
  });

  it('adds attachments from disk as multipart/mixed, with non-ASCII file names', async () => {
    const dir = tmpDir();
    const pdf = path.join(dir, 'a.pdf');
    const txt = path.join(dir, 'b.txt');
    fs.writeFileSync(pdf, Buffer.from('%PDF-1.4 fake \x00\x01\x02', 'latin1'));
    fs.writeFileSync(txt, 'Grüße\n');
    const m = await buildMessage(
      input({
        attachments: [
          { filename: 'Übersicht 2026.pdf', path: pdf, contentType: 'application/pdf' },
          { filename: 'notes.txt', path: txt, contentType: 'text/plain' },
        ],
      }),
    );
    const mail = await simpleParser(m.raw);
    expect((mail.headers.get('content-type') as { value: string }).value).toBe('multipart/mixed');
    expect(mail.text?.trim()).toBe('Hello Bob');
    expect(mail.html).toBe('<p>Hello <b>Bob</b></p>');
    expect(mail.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      ['Übersicht 2026.pdf', 'application/pdf'],
      ['notes.txt', 'text/plain'],
    ]);
    expect(mail.attachments[0]!.content.equals(fs.readFileSync(pdf))).toBe(true);
    expect(mail.attachments[1]!.content.toString()).toBe('Grüße\n');
  });

  it('says which attachment problem stops a message', async () => {
    const err = await rejected(
      buildMessage(
        input({
          attachments: [
            { filename: 'gone.pdf', path: path.join(tmpDir(), 'gone.pdf'), contentType: 'application/pdf' },
          ],
        }),
      ),
    );
    expect(err.code).toBe('invalid_input');
    expect(err.message).toMatch(/attachment/);
  });

  it('is deterministic: the same input gives the same bytes, boundaries included', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'x.bin');
    fs.writeFileSync(file, Buffer.alloc(5000, 7));
    const make = () =>
      buildMessage(
        input({ attachments: [{ filename: 'x.bin', path: file, contentType: 'application/octet-stream' }] }),
      );
    const [a, b] = [await make(), await make()];
    expect(a.raw.equals(b.raw)).toBe(true);
    const other = await buildMessage(input({ messageId: '<r2.c1@example.com>' }));
    const boundary = (raw: Buffer) => /boundary="([^"]+)"/.exec(raw.toString())?.[1];
    expect(boundary(other.raw)).toBeDefined();
    expect(boundary(other.raw)).not.toBe(boundary(a.raw));
  });

  it('uses CRLF line endings throughout', async () => {
    const m = await buildMessage(input({ text: 'one\ntwo\n', html: '<p>a</p>\n<p>b</p>' }));
    expect(m.raw.toString()).not.toMatch(/[^\r]\n/);
  });

  it('sends List-Unsubscribe mailto only, without the one-click header, when there is no https URL', async () => {
    const m = await buildMessage(input({ listUnsubscribe: { mailto: 'optout+news@example.com', url: null } }));
    const mail = await simpleParser(m.raw);
    expect(mail.headers.get('list')).toEqual({ unsubscribe: { mail: 'optout+news@example.com?subject=unsubscribe' } });
    expect(headerKeys(m.raw)).not.toContain('list-unsubscribe-post');
  });

  it('adds the https URL and List-Unsubscribe-Post for one-click unsubscribe', async () => {
    const url = 'https://x.example/unsubscribe?e=bob%40example.org&c=1';
    const m = await buildMessage(input({ listUnsubscribe: { mailto: 'ann@example.com', url } }));
    const mail = await simpleParser(m.raw);
    expect(mail.headers.get('list')).toMatchObject({
      unsubscribe: { mail: 'ann@example.com?subject=unsubscribe', url },
      'unsubscribe-post': { name: 'List-Unsubscribe=One-Click' },
    });
    expect(mail.headerLines.find((h) => h.key === 'list-unsubscribe-post')?.line).toBe(
      'List-Unsubscribe-Post: List-Unsubscribe=One-Click',
    );
    const raw = m.raw.toString();
    expect(raw.replace(/\r\n\s+/g, ' ')).toContain(
      `List-Unsubscribe: <mailto:ann@example.com?subject=unsubscribe>, <${url}>`,
    );
  });

  it('never sends the one-click header with a URL that is not https', async () => {
    const m = await buildMessage(input({ listUnsubscribe: { mailto: 'ann@example.com', url: 'http://x.example/u' } }));
    const keys = headerKeys(m.raw);
    expect(keys).not.toContain('list-unsubscribe-post');
    expect(m.raw.toString()).not.toContain('http://x.example/u');
  });
});

describe('newMessageId', () => {
  it.each([
    ['ann@Example.COM', /^<[0-9a-f-]{36}@example\.com>$/],
    ['ann@mail.example.co.uk', /^<[0-9a-f-]{36}@mail\.example\.co\.uk>$/],
    ['ann@localhost', /^<[0-9a-f-]{36}@campaign-tray\.local>$/],
    ['not an address', /^<[0-9a-f-]{36}@campaign-tray\.local>$/],
    ['x@exa>mple.com', /^<[0-9a-f-]{36}@example\.com>$/],
  ])('%s → %s', (from, pattern) => {
    expect(newMessageId(from)).toMatch(pattern);
  });

  it('is fresh every time', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newMessageId('a@example.com')));
    expect(ids.size).toBe(1000);
  });
});

describe('oneLine', () => {
  it.each([
    ['a\r\nb', 'a b'],
    ['a\n\n\nb', 'a b'],
    ['  a\tb  ', 'a b'],
    ['a\u2028b', 'a b'],
    ['plain', 'plain'],
  ])('%j → %j', (value, expected) => {
    expect(oneLine(value)).toBe(expected);
  });
});

describe('listUnsubscribe', () => {
  it('defaults the mailto target to the sending account', () => {
    expect(listUnsubscribe({ mailto: null, fromAddress: 'ann@example.com', urlTemplate: null, vars: {} })).toEqual({
      mailto: 'ann@example.com',
      url: null,
    });
  });

  it('uses the campaign mailto and renders the URL template per recipient', () => {
    expect(
      listUnsubscribe({
        mailto: 'optout@example.com',
        fromAddress: 'ann@example.com',
        urlTemplate: 'https://x.example/u?e={{email}}&id={{id}}',
        vars: { email: 'bob+1@example.org', id: '7 8' },
      }),
    ).toEqual({ mailto: 'optout@example.com', url: 'https://x.example/u?e=bob%2B1%40example.org&id=7%208' });
  });

  it.each([
    ['an http URL', { mailto: null, urlTemplate: 'http://x.example/u' }],
    ['a broken URL template', { mailto: null, urlTemplate: 'https://x.example/{{email' }],
    ['a mailto that is not an address', { mailto: 'nobody', urlTemplate: null }],
  ])('refuses %s', (_, o) => {
    let err: unknown;
    try {
      listUnsubscribe({ ...o, fromAddress: 'ann@example.com', vars: { email: 'b@example.org' } });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('template_invalid');
  });

  it.each([
    ['news@example.com', 'mailto:news@example.com?subject=unsubscribe'],
    ['a+b@example.com', 'mailto:a+b@example.com?subject=unsubscribe'],
    ['a?b&c@example.com', 'mailto:a%3Fb%26c@example.com?subject=unsubscribe'],
  ])('mailto URI of %s', (address, uri) => {
    expect(mailtoUri(address)).toBe(uri);
  });

  it('builds the header pair only with https', () => {
    expect(unsubscribeHeaders({ mailto: 'a@example.com', url: 'https://x.example/u' })).toEqual([
      ['List-Unsubscribe', '<mailto:a@example.com?subject=unsubscribe>, <https://x.example/u>'],
      ['List-Unsubscribe-Post', 'List-Unsubscribe=One-Click'],
    ]);
    expect(unsubscribeHeaders({ mailto: 'a@example.com', url: null })).toEqual([
      ['List-Unsubscribe', '<mailto:a@example.com?subject=unsubscribe>'],
    ]);
    for (const bad of [
      'http://x.example/u',
      'https://x.example/u Bcc: evil@x',
      'https://x.example/<u>',
      'mailto:x@y',
    ]) {
      expect(unsubscribeHeaders({ mailto: 'a@example.com', url: bad })).toEqual([
        ['List-Unsubscribe', '<mailto:a@example.com?subject=unsubscribe>'],
      ]);
    }
    expect(unsubscribeHeaders({ mailto: 'a@example.com', url: 'https://x.example/u?l=a,b' })[0]).toEqual([
      'List-Unsubscribe',
      '<mailto:a@example.com?subject=unsubscribe>, <https://x.example/u?l=a%2Cb>',
    ]);
  });
});
