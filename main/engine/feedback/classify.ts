// The one pure decision over a mailbox message: what kind of feedback it is, and which of our
// messages it can refer to. It never decides by keywords alone: a notice becomes ours only when
// matching (match.ts) finds a Message-ID we sent, or a token we signed, in what this returns.
import { FEEDBACK_KINDS, type FeedbackKind } from '../../../shared/domain';
import { findUnsubscribeToken } from '../messages/unsubscribe';
import { type FeedbackMail, type MailPart, parseHeaderBlock, splitHead } from './parse';

export { FEEDBACK_KINDS, type FeedbackKind };

export interface Verdict {
  kind: FeedbackKind;
  /** Message-IDs this mail names as its original (embedded headers, In-Reply-To, References), in order. */
  refs: string[];
  /** An unsubscribe token found in the recipient address or the subject, unverified. */
  token: string | null;
  /** The address the notice is about (Final-Recipient, X-Failed-Recipients, the replying sender). */
  address: string | null;
  /** RFC 3463 status, e.g. "5.1.1". */
  status: string | null;
  /** The remote server's words, one line, clipped. */
  diagnostic: string | null;
}

const DIAGNOSTIC_MAX = 300;
const clip = (s: string) => {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > DIAGNOSTIC_MAX ? `${t.slice(0, DIAGNOSTIC_MAX - 1)}…` : t;
};

const MESSAGE_ID = /<([^<>\s@]+@[^<>\s@]+)>/g;
function messageIds(value: string | undefined): string[] {
  return [...(value ?? '').matchAll(MESSAGE_ID)].map((m) => `<${m[1]}>`);
}

const head = (mail: FeedbackMail, name: string) => mail.headers[name]?.[0];
const unique = (xs: string[]) => [...new Set(xs)];

// ---- report parts -------------------------------------------------------------------------------

const REPORT_TYPES = new Set(['message/delivery-status', 'message/global-delivery-status']);
const EMBEDDED_TYPES = new Set(['message/rfc822', 'text/rfc822-headers', 'message/global', 'message/global-headers']);

/** Message-IDs of the original messages a report carries (full message or headers only). */
function embeddedIds(parts: MailPart[]): string[] {
  const ids: string[] = [];
  for (const p of parts) {
    if (!EMBEDDED_TYPES.has(p.type)) continue;
    const h = parseHeaderBlock(splitHead(p.body).head);
    for (const v of h['message-id'] ?? []) ids.push(...messageIds(v));
  }
  return ids;
}

/** Field blocks of a delivery-status body: the per-message block first, then one per recipient. */
function fieldBlocks(body: string): Record<string, string[]>[] {
  return body
    .split(/\r?\n[ \t]*\r?\n/)
    .map((b) => parseHeaderBlock(b.trim()))
    .filter((b) => Object.keys(b).length > 0);
}

interface RecipientReport {
  address: string | null;
  action: string;
  status: string | null;
  diagnostic: string | null;
}

/** "rfc822; a@b" → "a@b"; "smtp; 550 …" → "550 …". */
const afterType = (v: string | undefined) => (v === undefined ? null : v.replace(/^[\w-]+\s*;\s*/, '').trim());

function recipientReports(parts: MailPart[]): RecipientReport[] {
  const out: RecipientReport[] = [];
  for (const p of parts) {
    if (!REPORT_TYPES.has(p.type)) continue;
    for (const b of fieldBlocks(p.body.toString('utf8'))) {
      if (!b.action) continue;
      const address = afterType(b['final-recipient']?.[0] ?? b['original-recipient']?.[0]);
      const status = b.status?.[0]?.match(/\b([245]\.\d{1,3}\.\d{1,3})\b/)?.[1] ?? null;
      const diag = afterType(b['diagnostic-code']?.[0]);
      out.push({
        address: address ? address.toLowerCase() : null,
        action: b.action[0]!.trim().toLowerCase(),
        status,
        diagnostic: diag ? clip(diag) : null,
      });
    }
  }
  return out;
}

/**
 * A permanent failure that says the address itself is bad is hard; a full mailbox, an oversized
 * message, an expired queue or a policy block (5.7.x: the address is fine, this mail was refused)
 * is soft: suppressing the address team-wide for those would drop people who can receive mail.
 */
export function bounceKindOf(status: string | null, fallback: 'hard_bounce' | 'soft_bounce'): FeedbackKind {
  if (status === null) return fallback;
  if (status.startsWith('4.')) return 'soft_bounce';
  if (!status.startsWith('5.')) return fallback;
  if (/^5\.7\./.test(status) || ['5.2.2', '5.2.3', '5.3.4', '5.4.7'].includes(status)) return 'soft_bounce';
  return 'hard_bounce';
}

function fromDeliveryReport(mail: FeedbackMail): Verdict | null {
  const reports = recipientReports(mail.parts);
  if (reports.length === 0) return null;
  const failed = reports.find((r) => r.action === 'failed');
  const delayed = reports.find((r) => r.action === 'delayed');
  const refs = unique([...embeddedIds(mail.parts), ...messageIds(head(mail, 'in-reply-to'))]);
  const r = failed ?? delayed;
  // delivered / relayed / expanded: a success notice, nothing to act on.
  if (!r) return { kind: 'unrelated', refs, token: null, address: null, status: null, diagnostic: null };
  const kind = failed ? bounceKindOf(r.status, 'hard_bounce') : 'soft_bounce';
  return { kind, refs, token: null, address: r.address, status: r.status, diagnostic: r.diagnostic };
}

const COMPLAINT_TYPES = new Set(['abuse', 'fraud', 'other']);

function fromFeedbackReport(mail: FeedbackMail): Verdict | null {
  const part = mail.parts.find((p) => p.type === 'message/feedback-report');
  if (!part) return null;
  const f = parseHeaderBlock(part.body.toString('utf8'));
  const type = (f['feedback-type']?.[0] ?? '').trim().toLowerCase();
  const refs = unique(embeddedIds(mail.parts));
  const rcpt = f['original-rcpt-to']?.[0] ?? f['removal-recipient']?.[0];
  return {
    kind: COMPLAINT_TYPES.has(type) ? 'complaint' : 'unrelated',
    refs,
    token: null,
    address: rcpt ? rcpt.replace(/^<|>$/g, '').trim().toLowerCase() : null,
    status: null,
    diagnostic: type ? `Feedback-Type: ${type}` : null,
  };
}

// ---- notices that are not RFC 3464 reports ------------------------------------------------------

/** Who sends bounce notices: the MTA's own mailbox names, never a person. */
const DAEMON_LOCAL = /^(mailer-daemon|mailer_daemon|mailerdaemon|postmaster|mail-daemon|maildaemon|bounce[s]?)$/;
const DAEMON_NAME = /mail delivery (system|subsystem)|mail administrator|postmaster|mailer-daemon/i;
const BOUNCE_SUBJECT =
  /undeliver|undelivered mail|delivery status notification|delivery (has )?failed|delivery failure|mail delivery failed|returned mail|returning message|failure notice|could not be delivered|non[- ]?delivery|nondeliverable/i;

function fromDaemon(mail: FeedbackMail): boolean {
  const local = mail.from?.split('@')[0] ?? '';
  return DAEMON_LOCAL.test(local) || DAEMON_NAME.test(head(mail, 'from') ?? '');
}

/** Message-ID lines quoted in a text bounce ("------ This is a copy of the message …"). */
function quotedIds(text: string): string[] {
  return [...text.matchAll(/^[ \t>]*Message-ID:[ \t]*(<[^<>\s]+>)/gim)].map((m) => m[1]!);
}

const PERMANENT_WORDS = /permanent (error|failure)|permanently|5\d\d[ -]|address (couldn't|could not|cannot) be found/i;
const TEMPORARY_WORDS = /temporar(y|ily)|delayed|will (continue|keep) trying|still trying|will retry/i;

function fromTextBounce(mail: FeedbackMail): Verdict | null {
  const failedHeader = head(mail, 'x-failed-recipients');
  if (!failedHeader && !(fromDaemon(mail) && BOUNCE_SUBJECT.test(mail.subject))) return null;
  const body = [mail.text, ...mail.parts.filter((p) => p.type.startsWith('text/')).map((p) => p.body.toString('utf8'))];
  const own = head(mail, 'message-id');
  const refs = unique([
    ...embeddedIds(mail.parts),
    ...body.flatMap(quotedIds),
    ...messageIds(head(mail, 'in-reply-to')),
    ...messageIds(head(mail, 'references')),
  ]).filter((id) => !own?.includes(id));
  const all = body.join('\n');
  const status = all.match(/\b([45]\.\d{1,3}\.\d{1,3})\b/)?.[1] ?? null;
  const fallback = TEMPORARY_WORDS.test(all) && !PERMANENT_WORDS.test(all) ? 'soft_bounce' : 'hard_bounce';
  const address =
    failedHeader?.split(',')[0]?.trim().toLowerCase() ||
    all.match(/^\s*<?([^\s<>@]+@[^\s<>@:]+?)>?:?\s*$/m)?.[1]?.toLowerCase() ||
    null;
  const diag = all.match(/^.*\b[45]\d\d[ -][45]\.\d{1,3}\.\d{1,3}\b.*$/m)?.[0];
  return {
    kind: bounceKindOf(status, fallback),
    refs,
    token: null,
    address,
    status,
    diagnostic: diag ? clip(diag) : null,
  };
}

// ---- people and their autoresponders -------------------------------------------------------------

const AUTO_SUBJECT =
  /^(automatic reply|auto(matic)?[- ]?(reply|response)|out of (the )?office|abwesenheitsnotiz|réponse automatique)\b/i;

/** RFC 3834 and the headers autoresponders set in practice. */
export function isAutomatic(mail: FeedbackMail): boolean {
  const auto = head(mail, 'auto-submitted')?.toLowerCase();
  if (auto && !auto.startsWith('no')) return true;
  if (head(mail, 'x-autoreply') || head(mail, 'x-autorespond') || head(mail, 'x-autoresponder')) return true;
  const precedence = head(mail, 'precedence')?.toLowerCase();
  if (precedence && /^(auto_reply|bulk|junk|list)$/.test(precedence)) return true;
  return AUTO_SUBJECT.test(mail.subject.trim());
}

const replyRefs = (mail: FeedbackMail) =>
  unique([...messageIds(head(mail, 'in-reply-to')), ...messageIds(head(mail, 'references')).reverse()]);

export function classifyMail(mail: FeedbackMail): Verdict {
  const report = (mail.params['report-type'] ?? '').toLowerCase();
  if (report === 'feedback-report' || mail.parts.some((p) => p.type === 'message/feedback-report')) {
    const v = fromFeedbackReport(mail);
    if (v) return v;
  }
  const dsn = fromDeliveryReport(mail);
  if (dsn) return dsn;
  const text = fromTextBounce(mail);
  if (text) return text;

  const token = findUnsubscribeToken(mail.recipients, mail.subject);
  const refs = replyRefs(mail);
  const none = { token: null, status: null, diagnostic: null };
  if (token !== null || /^\s*unsubscribe\b/i.test(mail.subject)) {
    return { kind: 'unsubscribe', refs, token, address: mail.from, status: null, diagnostic: null };
  }
  if (refs.length === 0) return { kind: 'unrelated', refs, address: null, ...none };
  if (isAutomatic(mail)) return { kind: 'auto_reply', refs, address: mail.from, ...none };
  return { kind: 'reply', refs, address: mail.from, ...none };
}

/**
 * From the header block alone: can this message be feedback at all? Readers fetch the body only
 * when it can, so the rest of the user's mail is never downloaded. Errs on the side of yes; the
 * classifier and matcher decide.
 */
export function mayBeFeedback(headers: Record<string, string[]>): boolean {
  const h = (name: string) => headers[name]?.[0];
  if (h('in-reply-to') || h('references') || h('x-failed-recipients') || h('auto-submitted')) return true;
  if (/^\s*multipart\/report/i.test(h('content-type') ?? '')) return true;
  const from = h('from') ?? '';
  const local = from.match(/([^\s<>"@]+)@/)?.[1]?.toLowerCase() ?? '';
  if (DAEMON_LOCAL.test(local) || DAEMON_NAME.test(from)) return true;
  const to = [...(headers.to ?? []), ...(headers['delivered-to'] ?? []), ...(headers['x-original-to'] ?? [])];
  if (to.some((t) => /\+unsub-/i.test(t))) return true;
  return /\bunsubscribe\b/i.test(h('subject') ?? '');
}
