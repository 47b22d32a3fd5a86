// Turns the raw bytes of one mailbox message into the plain facts the classifier reads.
// mailparser decodes what a person reads (subject, addresses, text in any charset); the MIME
// walk below keeps what mailparser flattens away: the machine-readable parts of a report
// (message/delivery-status, message/feedback-report) and the embedded original's headers.
import { simpleParser } from 'mailparser';

export interface MailPart {
  /** Lower-cased "type/subtype". */
  type: string;
  params: Record<string, string>;
  /** The transfer-decoded body. */
  body: Buffer;
}

export interface FeedbackMail {
  /** Header fields of the message itself: lower-cased names, unfolded values, in order. */
  headers: Record<string, string[]>;
  /** Bare, lower-cased From address. */
  from: string | null;
  /** Every address the message was delivered to: To, Cc, Delivered-To, X-Original-To. Lower-cased. */
  recipients: string[];
  subject: string;
  /** The human-readable text (plain, or derived from HTML). */
  text: string;
  /** The top-level Content-Type, e.g. "multipart/report". */
  type: string;
  params: Record<string, string>;
  /** Every leaf part, in order (the message itself when it is not multipart). */
  parts: MailPart[];
}

const MAX_DEPTH = 8;
const MAX_PARTS = 64;

/** Splits at the first empty line. A message with no body is all header. */
export function splitHead(buf: Buffer): { head: string; body: Buffer } {
  const crlf = buf.indexOf('\r\n\r\n');
  const lf = buf.indexOf('\n\n');
  let at = -1;
  let skip = 0;
  if (crlf >= 0 && (lf < 0 || crlf < lf)) [at, skip] = [crlf, 4];
  else if (lf >= 0) [at, skip] = [lf, 2];
  if (at < 0) return { head: buf.toString('latin1'), body: Buffer.alloc(0) };
  return { head: buf.subarray(0, at).toString('latin1'), body: buf.subarray(at + skip) };
}

/** Header block → lower-cased name → unfolded values (RFC 5322 §2.2.3). */
export function parseHeaderBlock(head: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  for (const line of unfolded.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!/^[\x21-\x39\x3b-\x7e]+$/.test(name)) continue;
    const values = out[name] ?? [];
    values.push(line.slice(colon + 1).trim());
    out[name] = values;
  }
  return out;
}

/** "multipart/report; report-type=delivery-status; boundary="x"" → type and parameters. */
export function parseContentType(value: string | undefined): { type: string; params: Record<string, string> } {
  if (!value) return { type: 'text/plain', params: {} };
  const [type, ...rest] = value.split(';');
  const params: Record<string, string> = {};
  for (const m of rest.join(';').matchAll(/([\w.-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))/g)) {
    params[m[1]!.toLowerCase()] = (m[2] ?? m[3] ?? '').replace(/\\(.)/g, '$1');
  }
  return { type: (type ?? '').trim().toLowerCase() || 'text/plain', params };
}

function decodeBody(body: Buffer, encoding: string | undefined): Buffer {
  const enc = (encoding ?? '').trim().toLowerCase();
  if (enc === 'base64') return Buffer.from(body.toString('latin1').replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
  if (enc === 'quoted-printable') {
    const text = body
      .toString('latin1')
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
    return Buffer.from(text, 'latin1');
  }
  return body;
}

function splitMultipart(body: Buffer, boundary: string): Buffer[] {
  const text = body.toString('latin1');
  const delim = `--${boundary}`;
  const out: Buffer[] = [];
  let pos = text.indexOf(delim);
  while (pos >= 0) {
    const lineEnd = text.indexOf('\n', pos);
    if (text.startsWith(`${delim}--`, pos) || lineEnd < 0) break;
    const next = text.indexOf(`\n${delim}`, lineEnd);
    const end = next < 0 ? text.length : next;
    out.push(Buffer.from(text.slice(lineEnd + 1, end).replace(/\r$/, ''), 'latin1'));
    if (next < 0) break;
    pos = next + 1;
  }
  return out;
}

function walk(buf: Buffer, depth: number, out: MailPart[]): void {
  if (out.length >= MAX_PARTS) return;
  const { head, body } = splitHead(buf);
  const headers = parseHeaderBlock(head);
  const { type, params } = parseContentType(headers['content-type']?.[0]);
  if (type.startsWith('multipart/') && params.boundary && depth < MAX_DEPTH) {
    for (const part of splitMultipart(body, params.boundary)) walk(part, depth + 1, out);
    return;
  }
  out.push({ type, params, body: decodeBody(body, headers['content-transfer-encoding']?.[0]) });
}

const bare = (a: string) => a.trim().toLowerCase();

function addressesOf(values: string[] | undefined): string[] {
  const out: string[] = [];
  for (const v of values ?? []) {
    for (const m of v.matchAll(/<([^<>\s]+@[^<>\s]+)>|([^\s<>,;:"()]+@[^\s<>,;:"()]+)/g)) out.push(bare(m[1] ?? m[2]!));
  }
  return out;
}

export async function parseMail(raw: Buffer): Promise<FeedbackMail> {
  const { head } = splitHead(raw);
  const headers = parseHeaderBlock(head);
  const { type, params } = parseContentType(headers['content-type']?.[0]);
  const parts: MailPart[] = [];
  walk(raw, 0, parts);
  const parsed = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true });
  const text = parsed.text ?? (typeof parsed.html === 'string' ? parsed.html.replace(/<[^>]*>/g, ' ') : '');
  const recipients = [
    ...new Set([
      ...addressesOf(headers.to),
      ...addressesOf(headers.cc),
      ...addressesOf(headers['delivered-to']),
      ...addressesOf(headers['x-original-to']),
    ]),
  ];
  return {
    headers,
    from: addressesOf(headers.from)[0] ?? null,
    recipients,
    subject: parsed.subject ?? '',
    text,
    type,
    params,
    parts,
  };
}
