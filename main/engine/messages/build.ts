// The one message builder. SMTP, Gmail and the local outbox all send the bytes made here, so a
// message can be compared across transports byte for byte.
import { createHash, randomUUID } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer';
import { AppError } from '../errors';
import type { OutgoingMessage } from '../transports/transport';
import { unsubscribeHeaders } from './unsubscribe';

export interface MessageInput {
  from: { name: string; address: string };
  to: string;
  replyTo: string | null;
  subject: string;
  html: string;
  text: string;
  /** e.g. "<uuid@campaign-tray.local>", fixed per recipient before sending. */
  messageId: string;
  date: Date;
  attachments: { filename: string; path: string; contentType: string }[];
  listUnsubscribe: { mailto: string; url: string | null; token?: string };
  meta: OutgoingMessage['meta'];
}

const FALLBACK_DOMAIN = 'campaign-tray.local';

/** A header value on one line: a CR or LF from a merge field must never start a new header. */
export function oneLine(value: string): string {
  return value
    .replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ')
    .replace(/ {2,}/g, ' ')
    .trim();
}

// One bare address: no display name, no list, nothing a header parser could split.
const SINGLE_ADDRESS = /^[^\s@<>,;:"()[\]\\]+@[^\s@<>,;:"()[\]\\]+$/;

function singleAddress(value: string, role: string): string {
  const v = oneLine(value);
  if (!SINGLE_ADDRESS.test(v)) {
    throw new AppError('invalid_input', `The ${role} address "${v.slice(0, 320)}" is not a single email address.`);
  }
  return v;
}

function cleanMessageId(id: string): string {
  const inner = oneLine(id)
    .replace(/^<|>$/g, '')
    .replace(/[\s<>]/g, '');
  if (!/^[^@]+@[^@]+$/.test(inner)) {
    throw new AppError('invalid_input', `The Message-ID "${inner.slice(0, 200)}" is not of the form <id@domain>.`);
  }
  return `<${inner}>`;
}

/** A fresh Message-ID like "<random@domain-of-from-address>". */
export function newMessageId(fromAddress: string): string {
  const domain = (fromAddress.split('@').pop() ?? '').toLowerCase().replace(/[^a-z0-9.-]/g, '');
  return `<${randomUUID()}@${domain.includes('.') ? domain : FALLBACK_DOMAIN}>`;
}

export async function buildMessage(input: MessageInput): Promise<OutgoingMessage> {
  const from = singleAddress(input.from.address, 'sender');
  const to = singleAddress(input.to, 'recipient');
  const replyTo = input.replyTo === null ? null : singleAddress(input.replyTo, 'reply-to');
  const messageId = cleanMessageId(input.messageId);
  const headers = unsubscribeHeaders({
    mailto: singleAddress(input.listUnsubscribe.mailto, 'unsubscribe'),
    url: input.listUnsubscribe.url === null ? null : oneLine(input.listUnsubscribe.url),
    ...(input.listUnsubscribe.token ? { token: input.listUnsubscribe.token } : {}),
  });

  const composer = new MailComposer({
    from: { name: oneLine(input.from.name), address: from },
    to: { name: '', address: to },
    ...(replyTo ? { replyTo: { name: '', address: replyTo } } : {}),
    subject: oneLine(input.subject),
    messageId,
    date: input.date,
    text: input.text,
    html: input.html,
    attachments: input.attachments.map((a) => ({
      filename: oneLine(a.filename),
      path: a.path,
      contentType: oneLine(a.contentType),
    })),
    headers: headers.map(([key, value]) => ({ key, value })),
    // The boundary comes from the Message-ID: unique per message, yet the same on every rebuild.
    baseBoundary: createHash('sha256').update(messageId).digest('hex').slice(0, 24),
    newline: 'win',
    disableUrlAccess: true,
  });
  let raw: Buffer;
  try {
    raw = await composer.compile().build();
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') {
      throw new AppError(
        'invalid_input',
        'An attachment of this campaign can no longer be read. Remove it and add the file again.',
      );
    }
    throw err;
  }
  return { raw, envelope: { from, to: [to] }, messageId, meta: input.meta };
}
