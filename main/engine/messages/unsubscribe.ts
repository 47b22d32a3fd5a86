// The List-Unsubscribe targets of one message. A desktop app has no public endpoint, so a
// mailto: target is always there (requests land in the sending mailbox, where the feedback
// reader finds them); an https URL, and with it RFC 8058 one-click unsubscribe, only when the
// campaign has a URL template, or the headless server runs the one-click endpoint (its public
// base URL, then /u/<token>).
//
// Each recipient's mailto carries a token signed with a key from the keychain: in the subject
// always, and in a plus-addressed local part where the mailbox supports it. The reader trusts
// the token, never the From line, to know who asked.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { AppError } from '../errors';
import { renderUrlTemplate } from './template';

const ADDRESS = /^[^\s@<>,;"()[\]\\]+@[^\s@<>,;"()[\]\\]+$/;

/** The token of one recipient, and whether the mailbox delivers `local+tag@domain` to `local@domain`. */
export interface UnsubscribeToken {
  value: string;
  plus: boolean;
}

export function listUnsubscribe(input: {
  mailto: string | null;
  fromAddress: string;
  urlTemplate: string | null;
  vars: Record<string, string>;
  token?: UnsubscribeToken | null;
  /** The one-click endpoint's public base URL (parseOneClickBase), when the server runs it. */
  oneClickBase?: string | null;
}): { mailto: string; url: string | null; token?: string } {
  const mailto = (input.mailto ?? input.fromAddress).trim();
  if (!ADDRESS.test(mailto)) {
    throw new AppError(
      'template_invalid',
      `The unsubscribe address "${mailto.slice(0, 320)}" is not a single email address. Fix it in the campaign's unsubscribe settings.`,
    );
  }
  const t = input.token;
  // The campaign's own URL wins: one https target keeps the one-click POST unambiguous.
  const url =
    input.urlTemplate !== null
      ? renderUrlTemplate(input.urlTemplate, input.vars)
      : t && input.oneClickBase
        ? oneClickUrl(input.oneClickBase, t.value)
        : null;
  if (!t) return { mailto, url };
  // Only the sending mailbox is read, so only its own address gets the plus tag.
  const own = mailto.toLowerCase() === input.fromAddress.trim().toLowerCase();
  return { mailto: t.plus && own ? plusTagged(mailto, t.value) : mailto, url, token: t.value };
}

/** `mailto:` URI of an address with the subject the reader looks for (RFC 6068). */
export function mailtoUri(address: string, token?: string): string {
  const at = address.lastIndexOf('@');
  const enc = (s: string) => encodeURIComponent(s).replace(/%2B/gi, '+');
  const subject = token ? `unsubscribe%20${token}` : 'unsubscribe';
  return `mailto:${enc(address.slice(0, at))}@${enc(address.slice(at + 1))}?subject=${subject}`;
}

/** The header values of a message: both targets, and the one-click header only with https. */
export function unsubscribeHeaders(u: { mailto: string; url: string | null; token?: string }): [string, string][] {
  const token = u.token && TOKEN.test(u.token) ? u.token : undefined;
  const targets = [`<${mailtoUri(u.mailto, token)}>`];
  // Only a well-formed https URL; anything else would break the header or the one-click promise.
  // Commas are escaped because some receivers split the header on them, even inside <…>.
  const url = u.url !== null && /^https:\/\/[^\s<>]+$/.test(u.url) ? u.url.replace(/,/g, '%2C') : null;
  if (url) targets.push(`<${url}>`);
  const headers: [string, string][] = [['List-Unsubscribe', targets.join(', ')]];
  if (url) headers.push(['List-Unsubscribe-Post', 'List-Unsubscribe=One-Click']);
  return headers;
}

// ---- the one-click endpoint ---------------------------------------------------------------------

/** Where a token sits under the endpoint's base URL. */
export const ONE_CLICK_PREFIX = '/u/';

export function oneClickUrl(base: string, token: string): string {
  return `${base}${ONE_CLICK_PREFIX}${token}`;
}

/**
 * The public base URL of the one-click endpoint as the user gives it (the address their reverse
 * proxy answers on), normalised without a trailing slash. Only plain https: RFC 8058 requires it,
 * and a query, fragment or login in it would break the links or leak.
 */
export function parseOneClickBase(input: string): string {
  const fix = 'Give the https address your reverse proxy answers on, e.g. https://mail.example.com/ct.';
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    throw new AppError('invalid_input', `"${input.slice(0, 200)}" is not a URL. ${fix}`);
  }
  if (url.protocol !== 'https:') {
    throw new AppError('invalid_input', `The one-click unsubscribe URL must start with https:// (RFC 8058). ${fix}`);
  }
  if (url.username || url.password || url.search || url.hash || !url.hostname) {
    throw new AppError(
      'invalid_input',
      `The one-click unsubscribe URL must be a plain address, with no login, query or fragment. ${fix}`,
    );
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

// ---- tokens -------------------------------------------------------------------------------------

/** "<recipient id, base 36>-<80 bits of HMAC, hex>": lower case only, since some servers fold local parts. */
const TOKEN = /^[0-9a-z]{1,11}-[0-9a-f]{20}$/;
const TOKEN_IN_ADDRESS = /\+unsub-([0-9a-z]{1,11}-[0-9a-f]{20})@/i;
const TOKEN_IN_SUBJECT = /\bunsubscribe\s+([0-9a-z]{1,11}-[0-9a-f]{20})\b/i;
const TAG = 'unsub-';

function mac(key: Buffer, id36: string, addressKey: string): string {
  return createHmac('sha256', key).update(`unsubscribe:v1:${id36}:${addressKey}`).digest('hex').slice(0, 20);
}

/**
 * The address is part of what is signed: a token stays bound to the person it was sent to even if
 * the database is rebuilt and recipient ids are reused.
 */
export function unsubscribeToken(key: Buffer, recipientId: number, addressKey: string): string {
  const id36 = recipientId.toString(36);
  return `${id36}-${mac(key, id36, addressKey)}`;
}

/** Whether a string has a token's shape, naming a possible recipient id (it says nothing about who signed it). */
export function isTokenShaped(s: string): boolean {
  return tokenRecipientId(s.toLowerCase()) !== null;
}

/** The recipient id a token names, unverified; null when it is not a token at all. */
export function tokenRecipientId(token: string): number | null {
  if (!TOKEN.test(token)) return null;
  const id = Number.parseInt(token.split('-')[0]!, 36);
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

export function verifyUnsubscribeToken(
  key: Buffer,
  token: string,
  recipientId: number | null,
  addressKey: string,
): boolean {
  const t = token.toLowerCase();
  // A token naming no possible id (0, or past the safe integers) matches nothing, not even null.
  if (recipientId === null || tokenRecipientId(t) !== recipientId) return false;
  const expected = Buffer.from(unsubscribeToken(key, recipientId, addressKey));
  const given = Buffer.from(t);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export function plusTagged(address: string, token: string): string {
  const at = address.lastIndexOf('@');
  return `${address.slice(0, at)}+${TAG}${token}${address.slice(at)}`;
}

/** A token in the address a request was sent to, or else in its subject. */
export function findUnsubscribeToken(recipients: string[], subject: string): string | null {
  for (const r of recipients) {
    const m = r.match(TOKEN_IN_ADDRESS);
    if (m) return m[1]!.toLowerCase();
  }
  return subject.match(TOKEN_IN_SUBJECT)?.[1]?.toLowerCase() ?? null;
}
