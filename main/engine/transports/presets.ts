// Provider presets and the limits an account starts with. Every number sits below the provider's
// published cap: going over a daily cap can block an account for a day, so the defaults leave room
// and the user raises them knowingly.
import type { SmtpPreset } from '../../../shared/contract';
import type { AccountKind, Limits } from '../../../shared/domain';

/** Limits of a personal mailbox: slow, one connection, a random human-like gap, 10% kept back. */
function mailbox(perDay: number, perMinute: number, perHour: number, minGapMs: number, maxGapMs: number): Limits {
  return { perMinute, perHour, perDay, reserve: Math.floor(perDay / 10), minGapMs, maxGapMs, maxConcurrent: 1 };
}

/** Limits of a sending service: nothing kept back (the account exists to send), two connections. */
function relay(perDay: number, perMinute: number, perHour: number, minGapMs = 0, maxGapMs = 0): Limits {
  return { perMinute, perHour, perDay, reserve: 0, minGapMs, maxGapMs, maxConcurrent: 2 };
}

/** Consumer Gmail: about 500 per rolling 24 h published; we plan 400. */
const GMAIL_CONSUMER = mailbox(400, 20, 100, 3_000, 8_000);
/** Google Workspace: 2,000 per rolling 24 h published (500 on trial); we plan 1,500, never above 50/min. */
const GMAIL_WORKSPACE = mailbox(1_500, 30, 300, 2_000, 5_000);
/** The local test outbox writes files: fast enough that a test campaign finishes at once. */
const OUTBOX: Limits = {
  perMinute: 600,
  perHour: 36_000,
  perDay: 864_000,
  reserve: 0,
  minGapMs: 0,
  maxGapMs: 0,
  maxConcurrent: 4,
};

export const SMTP_PRESETS: readonly SmtpPreset[] = [
  {
    id: 'gmail',
    label: 'Gmail (app password)',
    host: 'smtp.gmail.com',
    port: 465,
    security: 'tls',
    needsAuth: true,
    limits: GMAIL_CONSUMER,
    note: 'Needs 2-Step Verification and an app password; Workspace accounts may raise the daily limit to 1,500.',
  },
  {
    id: 'outlook',
    label: 'Outlook.com / Microsoft 365',
    host: 'smtp.office365.com',
    port: 587,
    security: 'starttls',
    needsAuth: true,
    limits: mailbox(250, 10, 60, 3_000, 8_000),
    note: 'Outlook.com allows about 300 messages a day, Microsoft 365 up to 10,000 recipients; SMTP AUTH must be enabled.',
  },
  {
    id: 'icloud',
    label: 'iCloud Mail',
    host: 'smtp.mail.me.com',
    port: 587,
    security: 'starttls',
    needsAuth: true,
    limits: mailbox(500, 10, 100, 3_000, 8_000),
    note: 'Sign in with an app-specific password; iCloud allows about 1,000 messages and 1,000 recipients a day.',
  },
  {
    id: 'yahoo',
    label: 'Yahoo Mail',
    host: 'smtp.mail.yahoo.com',
    port: 465,
    security: 'tls',
    needsAuth: true,
    limits: mailbox(250, 10, 60, 3_000, 8_000),
    note: 'Needs an app password; Yahoo does not publish its cap, so start low.',
  },
  {
    id: 'zoho',
    label: 'Zoho Mail',
    host: 'smtp.zoho.com',
    port: 465,
    security: 'tls',
    needsAuth: true,
    limits: mailbox(200, 10, 60, 3_000, 8_000),
    note: 'Use smtp.zoho.eu, smtp.zoho.in or smtp.zoho.com.au if your account is in that region; caps depend on the plan.',
  },
  {
    id: 'fastmail',
    label: 'Fastmail',
    host: 'smtp.fastmail.com',
    port: 465,
    security: 'tls',
    needsAuth: true,
    limits: mailbox(1_000, 20, 200, 2_000, 5_000),
    note: 'Needs an app password with SMTP access; daily caps depend on the plan.',
  },
  {
    id: 'ses',
    label: 'Amazon SES',
    host: 'email-smtp.us-east-1.amazonaws.com',
    port: 587,
    security: 'starttls',
    needsAuth: true,
    limits: relay(200, 50, 200, 1_000, 1_200),
    note: 'Replace us-east-1 with your SES region; use SMTP credentials, not access keys. Raise the caps to your account quota.',
  },
  {
    id: 'sendgrid',
    label: 'SendGrid',
    host: 'smtp.sendgrid.net',
    port: 587,
    security: 'starttls',
    needsAuth: true,
    limits: relay(100, 30, 100),
    note: 'The user name is literally "apikey" and the password is an API key; the free plan sends 100 a day.',
  },
  {
    id: 'mailgun',
    label: 'Mailgun',
    host: 'smtp.mailgun.org',
    port: 587,
    security: 'starttls',
    needsAuth: true,
    limits: relay(100, 30, 100),
    note: 'Use smtp.eu.mailgun.org for EU domains; raise the caps to your plan.',
  },
  {
    id: 'postmark',
    label: 'Postmark',
    host: 'smtp.postmarkapp.com',
    port: 587,
    security: 'starttls',
    needsAuth: true,
    limits: relay(500, 60, 300),
    note: 'User name and password are both your Server API token; use a broadcast stream for campaigns.',
  },
  {
    id: 'brevo',
    label: 'Brevo',
    host: 'smtp-relay.brevo.com',
    port: 587,
    security: 'starttls',
    needsAuth: true,
    limits: relay(250, 30, 150),
    note: 'Use the SMTP key from the Brevo dashboard; the free plan sends 300 a day.',
  },
  {
    id: 'custom',
    label: 'Other SMTP server',
    host: '',
    port: 587,
    security: 'starttls',
    needsAuth: false,
    limits: relay(200, 10, 60, 2_000, 5_000),
    note: 'Ask your provider for its sending caps and set them here; a relay on your own network may need no login.',
  },
];

export function findPreset(id: string): SmtpPreset | null {
  return SMTP_PRESETS.find((p) => p.id === id) ?? null;
}

/** The limits a new account starts with; the user may edit every number. */
export function defaultLimits(kind: AccountKind, opts: { preset?: string; workspace?: boolean } = {}): Limits {
  switch (kind) {
    case 'outbox':
      return { ...OUTBOX };
    case 'gmail':
      return { ...(opts.workspace ? GMAIL_WORKSPACE : GMAIL_CONSUMER) };
    case 'smtp': {
      // Gmail by app password from a Workspace domain gets Workspace limits, as over the API.
      if (opts.preset === 'gmail' && opts.workspace) return { ...GMAIL_WORKSPACE };
      const preset = findPreset(opts.preset ?? 'custom') ?? findPreset('custom');
      return { ...(preset as SmtpPreset).limits };
    }
  }
}

const CONSUMER_GMAIL_DOMAINS = new Set(['gmail.com', 'googlemail.com']);

/** Google Workspace vs consumer, from the address domain (gmail.com/googlemail.com = consumer). */
export function isConsumerGmail(address: string): boolean {
  const at = address.lastIndexOf('@');
  if (at < 0) return false;
  return CONSUMER_GMAIL_DOMAINS.has(
    address
      .slice(at + 1)
      .trim()
      .toLowerCase(),
  );
}

/**
 * Hard ceilings a user may not edit past: going over Gmail's caps blocks the account for up to a
 * day, and the Gmail API quota allows at most about 60 sends a minute (we never plan above 50).
 */
export function providerCeiling(account: {
  kind: AccountKind;
  fromAddress: string;
  preset?: string;
}): { perMinute: number; perDay: number; provider: string } | null {
  const gmailLike = account.kind === 'gmail' || (account.kind === 'smtp' && account.preset === 'gmail');
  if (!gmailLike) return null;
  return isConsumerGmail(account.fromAddress)
    ? { perMinute: 50, perDay: 500, provider: 'A consumer Gmail account' }
    : { perMinute: 50, perDay: 2_000, provider: 'A Google Workspace account' };
}

/**
 * Mailboxes that deliver `local+tag@domain` to `local@domain` (documented by Google, Microsoft,
 * Apple and Fastmail). Elsewhere the unsubscribe token rides in the mailto subject only.
 */
const PLUS_ADDRESSING_PRESETS = new Set(['gmail', 'outlook', 'icloud', 'fastmail']);

export function plusAddressing(account: { kind: AccountKind; preset?: string }): boolean {
  if (account.kind === 'smtp') return PLUS_ADDRESSING_PRESETS.has(account.preset ?? 'custom');
  // Gmail over the API always does; the local outbox delivers nowhere, so either form is safe.
  return true;
}
