// Domain types shared by main and renderer. Pure data: no Node, Electron or DOM.

export const RECIPIENT_STATES = ['queued', 'sending', 'sent', 'failed', 'skipped', 'uncertain'] as const;
export type RecipientState = (typeof RECIPIENT_STATES)[number];
export type StateCounts = Record<RecipientState, number>;

export const ACCOUNT_KINDS = ['outbox', 'smtp', 'gmail'] as const;
export type AccountKind = (typeof ACCOUNT_KINDS)[number];

/** Why a send failed, as the classifier decides. Drives requeue, cooldown and suppression. */
export const FAILURE_CLASSES = ['throttle', 'quota', 'auth', 'recipient', 'message', 'transient'] as const;
export type FailureClass = (typeof FAILURE_CLASSES)[number];

export const ACCOUNT_STATUSES = ['active', 'paused', 'needs_reauth'] as const;
/** Why an account cools down: the provider throttled it, or its sending quota is spent. */
export const COOLDOWN_CAUSES = ['throttle', 'quota'] as const;
export type CooldownCause = (typeof COOLDOWN_CAUSES)[number];
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

/** draft → sending ⇄ paused → done | cancelled. `done` means nothing is queued or in flight. */
export const CAMPAIGN_STATUSES = ['draft', 'sending', 'paused', 'done', 'cancelled'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];
/** Who moved a campaign: the user, or the engine itself (and why). */
export const CAMPAIGN_STATUS_CAUSES = ['user', 'finished', 'breaker', 'uncertain', 'no_account'] as const;
export type CampaignStatusCause = (typeof CAMPAIGN_STATUS_CAUSES)[number];

export const ROTATION_POLICIES = ['most_headroom', 'round_robin', 'fill_first'] as const;
export type RotationPolicy = (typeof ROTATION_POLICIES)[number];

export const SMTP_SECURITY = ['tls', 'starttls', 'none'] as const;
export type SmtpSecurity = (typeof SMTP_SECURITY)[number];

export const SUPPRESSION_REASONS = ['unsubscribed', 'bounced', 'complained', 'manual'] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

/** What a message read from a sending mailbox turned out to be. */
export const FEEDBACK_KINDS = [
  'hard_bounce',
  'soft_bounce',
  'complaint',
  'auto_reply',
  'reply',
  'unsubscribe',
  'unrelated',
] as const;
export type FeedbackKind = (typeof FEEDBACK_KINDS)[number];
/** Feedback that is about one of our messages (everything but unrelated). */
export const FEEDBACK_SIGNALS = [
  'hard_bounce',
  'soft_bounce',
  'complaint',
  'auto_reply',
  'reply',
  'unsubscribe',
] as const;
export type FeedbackSignal = (typeof FEEDBACK_SIGNALS)[number];
/** Recipients per kind of feedback (a recipient bounced twice counts once). */
export type FeedbackCounts = Record<FeedbackSignal, number>;

export const FEEDBACK_READER_STATUSES = ['idle', 'reading', 'error', 'needs_consent'] as const;
export type FeedbackReaderStatus = (typeof FEEDBACK_READER_STATUSES)[number];

export const ACTIVITY_LEVELS = ['info', 'warn', 'error'] as const;
export type ActivityLevel = (typeof ACTIVITY_LEVELS)[number];

export interface Limits {
  perMinute: number;
  perHour: number;
  /** Rolling 24 hours, counted from the send ledger. */
  perDay: number;
  /** Sends per rolling 24 h the app never uses (left for the user's own mail). */
  reserve: number;
  minGapMs: number;
  maxGapMs: number;
  maxConcurrent: number;
}

export interface SmtpSettings {
  host: string;
  port: number;
  security: SmtpSecurity;
  /** null: the relay takes mail without authentication. */
  username: string | null;
  timeoutMs: number;
}

interface AccountBase {
  id: number;
  label: string;
  fromName: string;
  fromAddress: string;
  limits: Limits;
  status: AccountStatus;
  /** Epoch ms until which the account sends nothing (throttled or quota spent). */
  cooldownUntil: number | null;
  /** Why it cools down: the provider throttled it, or its quota is spent. */
  cooldownCause: CooldownCause | null;
  lastError: string | null;
  createdAt: number;
  /** Set when the user removed the account: its row stays so past sends keep its name. */
  removedAt: number | null;
}
export type Account =
  | (AccountBase & { kind: 'outbox' })
  | (AccountBase & { kind: 'smtp'; smtp: SmtpSettings; preset: string })
  | (AccountBase & { kind: 'gmail'; gmail: { workspace: boolean } });

export interface SendWindow {
  /** IANA zone, e.g. "Europe/Berlin". */
  timeZone: string;
  /** 0 = Sunday … 6 = Saturday. */
  days: number[];
  /** Minutes after local midnight; start < end. */
  startMinute: number;
  endMinute: number;
}

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface CampaignTemplate {
  subject: string;
  /** Raw HTML, or Markdown when format is markdown. */
  body: string;
  format: 'html' | 'markdown';
  /** Plain-text template; derived from the HTML when null. */
  text: string | null;
}

export interface UnsubscribeSettings {
  /** mailto target; null means the sending account's address. */
  mailto: string | null;
  /** https URL template (Handlebars); enables one-click unsubscribe. */
  urlTemplate: string | null;
}

export interface AttachmentRef {
  id: string;
  filename: string;
  size: number;
  contentType: string;
}

export interface CampaignSettings {
  name: string;
  template: CampaignTemplate;
  /** Sender pool: account ids. */
  pool: number[];
  rotation: RotationPolicy;
  replyTo: string | null;
  /** Shown as the sender's name instead of each account's own; null keeps the account's. */
  fromName: string | null;
  scheduleAt: number | null;
  window: SendWindow | null;
  retry: RetryPolicy;
  unsubscribe: UnsubscribeSettings;
  attachments: AttachmentRef[];
}

export interface Campaign extends CampaignSettings {
  id: number;
  status: CampaignStatus;
  /** The user's order: lower drains first. */
  position: number;
  /** Set when the engine paused the campaign itself (circuit breaker). */
  pausedReason: string | null;
  createdAt: number;
  /** Merge fields the imported recipients carry, in column order. */
  fields: MergeField[];
}

export interface MergeField {
  /** Safe identifier used in templates. */
  key: string;
  /** The column header as the file had it. */
  label: string;
}

export interface Recipient {
  id: number;
  campaignId: number;
  address: string;
  fields: Record<string, string>;
  state: RecipientState;
  attempts: number;
  nextAttemptAt: number | null;
  accountId: number | null;
  messageId: string | null;
  lastError: string | null;
  errorClass: FailureClass | null;
  sentAt: number | null;
  updatedAt: number;
  /** The strongest feedback read back for this message (a sent row that bounced stays sent). */
  feedback: FeedbackSignal | null;
  /** Why a skipped row was skipped; null for every other state. */
  skipReason: SkipReason | null;
}

/** Why a row is `skipped`: its address is suppressed, or the user cancelled the campaign. */
export const SKIP_REASONS = ['suppressed', 'cancelled'] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

/**
 * What is known about a row whose outcome is unknown. `stopped`: the app stopped while the row was
 * claimed (it may never have reached the wire). `interrupted`: the connection broke while the
 * message was on its way (for SMTP, after all of it was handed over), before an answer came.
 */
export const UNCERTAIN_CAUSES = ['stopped', 'interrupted'] as const;
export type UncertainCause = (typeof UNCERTAIN_CAUSES)[number];

/**
 * How far an uncertain row's handover got. `smtp_body_sent`: the whole message went to the SMTP
 * server (the final CRLF.CRLF after DATA) and no reply came. `gmail_body_sent` (a stored name;
 * it claims less than it says): the request to the Gmail API was under way after connecting and no
 * answer came. Whether its body had finished uploading is not known: the HTTP client (fetch) does
 * not report it, so Gmail may or may not have the message. `outbox_written`: the app stopped after the local test
 * outbox had stored the message. `app_stopped`: the app stopped while the row was on the wire;
 * nothing durable says how far it got (the send path writes nothing per step, to stay fast).
 */
export const HANDOVER_STAGES = ['smtp_body_sent', 'gmail_body_sent', 'outbox_written', 'app_stopped'] as const;
export type HandoverStage = (typeof HANDOVER_STAGES)[number];
/** The stages a transport reports itself, when the message was on its way and no answer came. */
export type WireHandover = Extract<HandoverStage, 'smtp_body_sent' | 'gmail_body_sent'>;

export interface UncertainRow {
  recipientId: number;
  address: string;
  messageId: string | null;
  /** When the row was claimed for its last attempt; null for rows claimed before this was recorded. */
  claimedAt: number | null;
  accountId: number | null;
  /** The account's label, also for an account removed since. */
  accountLabel: string | null;
  cause: UncertainCause | null;
  /** How far the handover got; null for rows made uncertain before this was recorded. */
  handover: HandoverStage | null;
  lastError: string | null;
  /** The local test outbox holds a copy of this message (it was written before the stop). */
  outboxItemId: number | null;
}

/**
 * What an account is doing now, for its badge: computed from the account row and its usage.
 * `until` is when that ends (null: until the user acts, or not limited at all).
 */
export const ACCOUNT_STATE_CODES = [
  'ready',
  'paused',
  'needs_reauth',
  'cooling_down',
  'resting_quota',
  'daily_cap',
  'hourly_cap',
  'minute_cap',
  'removed',
] as const;
export type AccountStateCode = (typeof ACCOUNT_STATE_CODES)[number];
export interface AccountState {
  code: AccountStateCode;
  until: number | null;
  /** One sentence without the time, e.g. "Cooling down after the provider throttled it". */
  reason: string;
}

export interface AccountUsage {
  accountId: number;
  label: string;
  kind: AccountKind;
  status: AccountStatus;
  cooldownUntil: number | null;
  lastMinute: number;
  lastHour: number;
  last24h: number;
  limits: Limits;
  state: AccountState;
}

export interface WaitReason {
  /** Human sentence, e.g. "All accounts reached their daily limit". */
  reason: string;
  until: number | null;
}

export interface FailureGroup {
  errorClass: FailureClass;
  /** The grouping key: the failure text with addresses, ids and numbers masked (status codes kept). */
  key: string;
  /** The text of one row of the group, as the server said it. */
  message: string;
  count: number;
}

export interface FailureExample {
  recipientId: number;
  address: string;
  message: string;
}

export interface FailureGroupDetail extends FailureGroup {
  /** The first rows of the group; all of them via recipients.list with this failureKey. */
  examples: FailureExample[];
}

/**
 * Where a campaign's finish estimate stands. Only a campaign on its way has a time; a paused or
 * unstarted one has none (its clock is stopped), one that waits for its start or its send window
 * says until when, and one that no account can serve says why.
 */
export type CampaignEta =
  /** Sending: done about `at`, held back most by `limitedBy` ("daily limits", "send gaps", …). */
  | { state: 'running'; at: number; limitedBy: string }
  /** Outside its send window until `opensAt`; done about `at`. */
  | { state: 'window'; opensAt: number; at: number; limitedBy: string }
  /** Scheduled to start at `startsAt`; done about `at`. */
  | { state: 'scheduled'; startsAt: number; at: number; limitedBy: string }
  /** Paused by the user or the engine: no estimate until it resumes. */
  | { state: 'paused' }
  /** Not started. */
  | { state: 'draft' }
  /** It would never finish as things are: `reason` says why ("No account can send", "send window"). */
  | { state: 'blocked'; reason: string }
  /** Nothing left to send. */
  | { state: 'none' };

export interface CampaignProgress {
  campaignId: number;
  status: CampaignStatus;
  pausedReason: string | null;
  counts: StateCounts;
  total: number;
  ratePerMinute: { last1: number; last10: number };
  eta: CampaignEta;
  waiting: WaitReason | null;
  accounts: AccountUsage[];
  /** The largest failure groups; every group is reachable through campaigns.failures. */
  failures: FailureGroup[];
  /** How many failure groups there are in all. */
  failureGroups: number;
  /** The skipped rows by reason (they add up to counts.skipped). */
  skipped: Record<SkipReason, number>;
  at: number;
}

export interface Suppression {
  address: string;
  reason: SuppressionReason;
  source: string;
  createdAt: number;
}

export interface ActivityEntry {
  id: number;
  at: number;
  level: ActivityLevel;
  campaignId: number | null;
  accountId: number | null;
  message: string;
}

/** One feedback message of ours read from a sending mailbox. */
export interface FeedbackItem {
  id: number;
  /** The mailbox it was read from; null for a one-click unsubscribe request. */
  accountId: number | null;
  kind: FeedbackSignal;
  campaignId: number;
  recipientId: number;
  address: string;
  status: string | null;
  diagnostic: string | null;
  subject: string;
  receivedAt: number | null;
  at: number;
}

/** IMAP settings of a feedback reader. The password is in the keychain, never here. */
export interface ImapSettings {
  host: string;
  port: number;
  security: SmtpSecurity;
  /** null: the SMTP account's login and password. */
  username: string | null;
  mailbox: string;
}

/** A sending account's feedback reader, as the UI shows it. */
export interface FeedbackReader {
  accountId: number;
  enabled: boolean;
  /** How the mailbox is read: IMAP for SMTP accounts, the Gmail API for Gmail accounts. */
  via: 'imap' | 'gmail';
  imap: ImapSettings | null;
  status: FeedbackReaderStatus;
  lastError: string | null;
  lastReadAt: number | null;
  /** Messages looked at so far (most are not feedback and are only skipped). */
  processed: number;
}

export function emptyFeedbackCounts(): FeedbackCounts {
  return { hard_bounce: 0, soft_bounce: 0, complaint: 0, auto_reply: 0, reply: 0, unsubscribe: 0 };
}

export function emptyCounts(): StateCounts {
  return { queued: 0, sending: 0, sent: 0, failed: 0, skipped: 0, uncertain: 0 };
}
