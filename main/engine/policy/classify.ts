// The single place that decides what a failed send means. Transports report what they saw; the rules
// below, first match wins, turn it into a failure class that drives requeue, cooldown and suppression.
import type { FailureClass } from '../../../shared/domain';
import type { TransportFailure } from '../failure';
import { NETWORK_CODES } from '../network-codes';
import { HOUR } from './throttle';

export interface Classified {
  cls: FailureClass;
  /** absolute epoch ms the server said to wait until, else null */
  retryAt: number | null;
  /** one short user-facing sentence */
  message: string;
}

interface Rule<F> {
  cls: FailureClass;
  when: (f: F) => boolean;
  /** Overrides the class's usual sentence when this case needs its own advice. */
  say?: (detail: string) => string;
}

const SAY: Record<FailureClass, (detail: string) => string> = {
  throttle: (d) => `Server is throttling this account (${d})`,
  quota: (d) => `This account's sending quota is spent (${d})`,
  auth: (d) => `The server refused this account's login; reconnect it or update its password (${d})`,
  recipient: (d) => `The recipient address does not exist or cannot receive mail (${d})`,
  message: (d) => `The server rejected this message (${d})`,
  transient: (d) => `Temporary problem while sending; it will be retried (${d})`,
};

const DETAIL_MAX = 100;

function clip(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > DETAIL_MAX ? `${t.slice(0, DETAIL_MAX - 1)}…` : t;
}

// ---- SMTP --------------------------------------------------------------------------------------

interface Enhanced {
  klass: number;
  subject: number;
  detail: number;
}

interface SmtpFacts {
  /** Basic reply code, from nodemailer or the response's first three digits. */
  code: number | null;
  /** RFC 3463 class.subject.detail right after the reply code, if the server sent one. */
  enhanced: Enhanced | null;
  /** Response text without reply and enhanced codes, lines joined. */
  text: string;
  errCode: string | null;
  command: string | null;
  /** 4 (temporary) or 5 (permanent): the enhanced class wins over the basic code (RFC 3463). */
  klass: number | null;
}

/** nodemailer's codes for a message it could not even hand over. */
const LOCAL_MESSAGE_CODES = new Set(['EENVELOPE', 'EMESSAGE', 'ESTREAM']);
const THROTTLE_CODES = new Set([421, 450, 451, 452, 454]);

// A full mailbox also says "quota", but it is the recipient's quota, not this account's.
const MAILBOX_FULL =
  /over quota|mailbox (is )?full|inbox is full|out of storage|storage (space|quota)|insufficient storage/i;
const QUOTA_WORDS = /quota|daily[\w\s-]*limit|sending limit|limit for sending/i;
const THROTTLE_WORDS = /throttl|too many|try (again )?later|rate limit|rate exceeded|thread limit|slow down/i;
const AUTH_WORDS = /auth|log ?in|password|credential/i;
const RECIPIENT_WORDS =
  /user unknown|unknown user|no such (user|mailbox|recipient)|mailbox unavailable|mailbox not found|(does not|doesn't) exist|recipient (address )?rejected|invalid recipient/i;

const enh = (f: SmtpFacts, klass: number | null, subject: number, detail?: number) =>
  f.enhanced !== null &&
  (klass === null || f.enhanced.klass === klass) &&
  f.enhanced.subject === subject &&
  (detail === undefined || f.enhanced.detail === detail);
const temporary = (f: SmtpFacts) => f.klass === 4;
const permanent = (f: SmtpFacts) => f.klass === 5;
/** The rejection is about our sender address, not the recipient's. */
const senderSide = (f: SmtpFacts) =>
  /^MAIL FROM/i.test(f.command ?? '') || enh(f, null, 1, 7) || enh(f, null, 1, 8) || /sender address/i.test(f.text);

const SMTP_RULES: readonly Rule<SmtpFacts>[] = [
  {
    cls: 'transient',
    when: (f) => f.code === null && NETWORK_CODES.has(f.errCode ?? ''),
    say: (d) => `Could not reach the mail server; it will be retried (${d})`,
  },
  { cls: 'message', when: (f) => f.code === null && LOCAL_MESSAGE_CODES.has(f.errCode ?? '') },
  { cls: 'quota', when: (f) => (QUOTA_WORDS.test(f.text) && !isMailboxFull(f)) || (f.code === 550 && enh(f, 5, 4, 5)) },
  // nodemailer reports every refused AUTH as EAUTH, also "454 4.7.0 Too many login attempts".
  { cls: 'throttle', when: (f) => f.errCode === 'EAUTH' && temporary(f) },
  {
    cls: 'auth',
    when: (f) =>
      f.errCode === 'EAUTH' ||
      f.code === 534 ||
      f.code === 535 ||
      (f.code === 530 && AUTH_WORDS.test(f.text)) ||
      enh(f, 5, 7, 8) ||
      (permanent(f) && /^AUTH/i.test(f.command ?? '')),
  },
  {
    cls: 'recipient',
    when: (f) =>
      permanent(f) &&
      !senderSide(f) &&
      (enh(f, 5, 1) ||
        enh(f, 5, 2, 1) ||
        f.code === 553 ||
        ((f.code === 550 || f.code === 551) && RECIPIENT_WORDS.test(f.text))),
  },
  // A temporary problem with one mailbox (full, disabled for now) says nothing about this account.
  { cls: 'transient', when: (f) => temporary(f) && (enh(f, 4, 1) || enh(f, 4, 2)) },
  { cls: 'throttle', when: (f) => !permanent(f) && THROTTLE_WORDS.test(f.text) },
  // A permanent answer that speaks of rates: a short throttle cooldown would requeue it forever,
  // failing it would burn through the list. Rest the account as for a spent quota.
  { cls: 'quota', when: (f) => THROTTLE_WORDS.test(f.text) },
  { cls: 'message', when: (f) => f.code === 552 || enh(f, 5, 3, 4) || (f.code === 554 && enh(f, 5, 7)) },
  { cls: 'throttle', when: (f) => temporary(f) && enh(f, 4, 7) },
  { cls: 'throttle', when: (f) => temporary(f) && f.code !== null && THROTTLE_CODES.has(f.code) },
  { cls: 'message', when: permanent },
  { cls: 'transient', when: () => true },
];

function isMailboxFull(f: SmtpFacts): boolean {
  return MAILBOX_FULL.test(f.text) || enh(f, null, 2, 2);
}

const CODE_PREFIX = /^(\d{3})[ -]?/;
const ENHANCED_PREFIX = /^([245])\.(\d{1,3})\.(\d{1,3})(?=\s|$)/;

function smtpFacts(f: Extract<TransportFailure, { source: 'smtp' }>): SmtpFacts {
  const lines = f.response.split(/\r?\n/).filter((l) => l.trim() !== '');
  let enhanced: Enhanced | null = null;
  const text = lines
    .map((line) => {
      let rest = line.trim().replace(CODE_PREFIX, '');
      const m = ENHANCED_PREFIX.exec(rest);
      if (m) {
        enhanced ??= { klass: Number(m[1]), subject: Number(m[2]), detail: Number(m[3]) };
        rest = rest.slice(m[0].length);
      }
      return rest.trim();
    })
    .join(' ');
  const parsed = CODE_PREFIX.exec(f.response.trim());
  const code = f.responseCode ?? (parsed ? Number(parsed[1]) : null);
  const basicClass = code === null ? null : Math.floor(code / 100);
  const klass = (enhanced as Enhanced | null)?.klass ?? (basicClass === 4 || basicClass === 5 ? basicClass : null);
  return { code, enhanced, text, errCode: f.code, command: f.command, klass };
}

function smtpDetail(f: SmtpFacts, raw: Extract<TransportFailure, { source: 'smtp' }>): string {
  // The enhanced code stays in the sentence: it is what the user (and the failure groups) go by.
  const e = f.enhanced;
  if (f.code !== null)
    return clip([f.code, e && `${e.klass}.${e.subject}.${e.detail}`, f.text].filter(Boolean).join(' '));
  return clip([raw.code, f.text].filter(Boolean).join(': ') || 'no answer from the server');
}

// ---- Gmail API (HTTP) --------------------------------------------------------------------------

interface HttpFacts {
  status: number;
  reason: string;
  message: string;
  retryAt: number | null;
  now: number;
}

const GMAIL_QUOTA_REASONS = new Set(['dailyLimitExceeded', 'quotaExceeded']);
const GMAIL_RATE_REASONS = new Set(['userRateLimitExceeded', 'rateLimitExceeded']);
const GMAIL_QUOTA_WORDS = /mail sending|daily|sending limit/i;
const GMAIL_RATE_WORDS = /rate limit|per minute/i;
const GMAIL_RECIPIENT_WORDS = /invalid (to|cc|bcc) header|invalid recipient|recipient address/i;
const reconnect = (d: string) => `Gmail refused this account's access; reconnect it (${d})`;

const HTTP_RULES: readonly Rule<HttpFacts>[] = [
  { cls: 'quota', when: (f) => GMAIL_QUOTA_REASONS.has(f.reason) },
  {
    cls: 'quota',
    // Gmail answers a spent daily sending limit with 429 "(Mail sending)" and a retry time hours away;
    // a short wait means a rate limit.
    when: (f) =>
      f.status === 429 &&
      (GMAIL_QUOTA_WORDS.test(f.message) ||
        GMAIL_QUOTA_WORDS.test(f.reason) ||
        (f.retryAt !== null && f.retryAt - f.now >= HOUR)),
  },
  { cls: 'throttle', when: (f) => f.status === 429 },
  {
    cls: 'throttle',
    when: (f) => f.status === 403 && (GMAIL_RATE_REASONS.has(f.reason) || GMAIL_RATE_WORDS.test(f.message)),
  },
  { cls: 'auth', when: (f) => f.status === 401, say: reconnect },
  // Missing scope, a domain policy or a refused delegation: the account needs the user, not a retry.
  { cls: 'auth', when: (f) => f.status === 403, say: reconnect },
  { cls: 'recipient', when: (f) => f.status === 400 && GMAIL_RECIPIENT_WORDS.test(f.message) },
  {
    cls: 'auth',
    when: (f) => f.status === 400 && (f.reason === 'failedPrecondition' || /mail service not enabled/i.test(f.message)),
    say: (d) => `Gmail is not enabled for this account (${d})`,
  },
  { cls: 'transient', when: (f) => f.status === 408 || f.status >= 500 },
  { cls: 'message', when: (f) => f.status >= 400 && f.status < 500 },
  { cls: 'transient', when: () => true },
];

// ---- OAuth, network, configuration -------------------------------------------------------------

/** Token endpoint errors that no retry fixes (RFC 6749 §5.2): the user has to connect the account again. */
const OAUTH_AUTH_ERRORS = new Set(['invalid_grant', 'invalid_client', 'unauthorized_client']);

function pick<F>(rules: readonly Rule<F>[], facts: F): Rule<F> {
  // The last rule of each table matches everything.
  return rules.find((r) => r.when(facts))!;
}

export function classify(f: TransportFailure, now: number): Classified {
  switch (f.source) {
    case 'smtp': {
      const facts = smtpFacts(f);
      const rule = pick(SMTP_RULES, facts);
      const detail = smtpDetail(facts, f);
      return { cls: rule.cls, retryAt: retryAfterInText(f.response), message: (rule.say ?? SAY[rule.cls])(detail) };
    }
    case 'http': {
      const retryAt = parseRetryAfter(f.retryAfter, now) ?? retryAfterInText(f.message);
      const facts: HttpFacts = { status: f.status, reason: f.reason ?? '', message: f.message, retryAt, now };
      const rule = pick(HTTP_RULES, facts);
      const detail = clip([String(f.status), f.reason, f.message].filter(Boolean).join(' '));
      return { cls: rule.cls, retryAt, message: (rule.say ?? SAY[rule.cls])(detail) };
    }
    case 'oauth': {
      const detail = clip(f.description ? `${f.error}: ${f.description}` : f.error);
      return OAUTH_AUTH_ERRORS.has(f.error)
        ? {
            cls: 'auth',
            retryAt: null,
            message: `Google no longer accepts this account's sign-in; reconnect it (${detail})`,
          }
        : { cls: 'transient', retryAt: null, message: `Google sign-in failed for now; it will be retried (${detail})` };
    }
    case 'network': {
      const detail = clip(f.code ? `${f.code}: ${f.message}` : f.message);
      return {
        cls: 'transient',
        retryAt: null,
        message: `Could not reach the mail server; it will be retried (${detail})`,
      };
    }
    case 'interrupted': {
      // The sender records these as uncertain before asking here; the class is for the record.
      const detail = clip(f.code ? `${f.code}: ${f.message}` : f.message);
      return {
        cls: 'transient',
        retryAt: null,
        message: `The connection broke while the message was being handed over; it may have been delivered (${detail})`,
      };
    }
    case 'config':
      // Our own settings for the account are incomplete (e.g. no password in the keychain). Retrying
      // cannot help and the recipient is not at fault, so the account needs the user's attention: auth.
      return { cls: 'auth', retryAt: null, message: clip(f.message) || 'This account is not fully set up; edit it' };
  }
}

// ---- Retry-After -------------------------------------------------------------------------------

const GMAIL_RETRY = /retry after\s+(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2}))/i;
const DELTA_SECONDS = /^\d+(?:\.\d+)?$/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/;
// The three HTTP-date forms (RFC 9110 §5.6.7): IMF-fixdate, RFC 850, asctime (which has no zone, but is GMT).
const IMF_FIXDATE = /^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/;
const RFC850_DATE = /^[A-Za-z]{6,9}, \d{2}-[A-Za-z]{3}-\d{2} \d{2}:\d{2}:\d{2} GMT$/;
const ASCTIME_DATE = /^[A-Za-z]{3} [A-Za-z]{3} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/;

function parsed(ms: number): number | null {
  return Number.isFinite(ms) ? ms : null;
}

function retryAfterInText(text: string): number | null {
  const m = GMAIL_RETRY.exec(text);
  return m ? parsed(Date.parse(m[1]!)) : null;
}

/** The furthest a server's Retry-After may push an account: beyond it the hint is not believed. */
export const MAX_RETRY_AFTER_MS = 7 * 24 * 3_600_000;

/**
 * Parses HTTP Retry-After (seconds or HTTP-date) and Gmail's "Retry after 2026-01-01T10:00:00.000Z"
 * text into epoch ms, at most MAX_RETRY_AFTER_MS after `now` (a huge value would park the account
 * for ever and is no valid date to show).
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | null {
  const at = retryAfterOf(value, now);
  return at === null ? null : Math.min(at, now + MAX_RETRY_AFTER_MS);
}

function retryAfterOf(value: string | null | undefined, now: number): number | null {
  const v = value?.trim();
  if (!v) return null;
  if (DELTA_SECONDS.test(v)) return now + Math.round(Number(v) * 1000);
  if (ISO_INSTANT.test(v) || IMF_FIXDATE.test(v) || RFC850_DATE.test(v)) return parsed(Date.parse(v));
  if (ASCTIME_DATE.test(v)) return parsed(Date.parse(`${v} GMT`));
  return retryAfterInText(v);
}
