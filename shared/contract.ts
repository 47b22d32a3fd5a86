// The one contract: every request with its input schema and result type, every pushed event with
// its payload. Both transports (Electron IPC and the headless WebSocket) bind exactly this.
// Adding a request = one entry here + its name in channels.ts + one handler in main.
import { z } from 'zod';
import type { EVENT_NAMES, REQUEST_NAMES } from './channels';
import {
  type Account,
  type AccountUsage,
  type ActivityEntry,
  type AttachmentRef,
  type Campaign,
  type CampaignProgress,
  type CampaignStatus,
  type CampaignStatusCause,
  FAILURE_CLASSES,
  type FailureGroupDetail,
  FEEDBACK_SIGNALS,
  type FeedbackCounts,
  type FeedbackItem,
  type FeedbackReader,
  type Limits,
  type MergeField,
  RECIPIENT_STATES,
  type Recipient,
  type RetryPolicy,
  ROTATION_POLICIES,
  SMTP_SECURITY,
  type StateCounts,
  SUPPRESSION_REASONS,
  type Suppression,
  type UncertainRow,
} from './domain';

// ---- building blocks --------------------------------------------------------------------------

const MAX_TEXT = 1_000_000; // a template body
const MAX_LINE = 1_000; // names, labels, hosts
/** base64 of an upload: about 64 MiB of file. */
export const MAX_UPLOAD_BASE64 = 90_000_000;

const id = z.number().int().positive();
const line = (max = MAX_LINE) => z.string().max(max);
/** Names that end up in a header or a subject line: a line break there would be stored raw and shown raw. */
const oneLine = (max = MAX_LINE) =>
  line(max).refine((s) => !/[\r\n]/.test(s), 'must be on one line: remove the line breaks.');
/** Strict standard base64 (what FileReader produces), checked in linear time without a backtracking pattern. */
function isBase64(s: string): boolean {
  if (s.length % 4 !== 0 || /[^A-Za-z0-9+/=]/.test(s)) return false;
  const pad = s.indexOf('=');
  return pad === -1 || (pad >= s.length - 2 && (pad === s.length - 1 || s[s.length - 1] === '='));
}
const base64 = z
  .string()
  .max(MAX_UPLOAD_BASE64)
  .refine(isBase64, 'is not valid base64. Encode the file as standard base64 (A–Z, a–z, 0–9, +, / and = padding).');
const address = z.string().trim().max(320).pipe(z.email());
const empty = z.strictObject({});
const page = { offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(500).default(100) };
/** Keyset paging: `after` is the `next` of the previous page (absent for the first page). */
const keyset = { after: id.optional(), limit: z.number().int().min(1).max(500).default(100) };
const ids = z.array(id).min(1).max(10_000);

/**
 * A file the engine reads. Never a path: the page names a file by the opaque id the main process
 * gave it (`fileId`: picked in the desktop app's dialog or dropped on its window, or uploaded to the
 * headless server by `POST /upload`), or sends a small body inline (`upload`).
 */
export const fileSource = z.union([
  z.strictObject({ fileId: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'is not a file id.') }),
  z.strictObject({ upload: z.strictObject({ name: line(255).min(1), base64 }) }),
]);
export type FileSource = z.infer<typeof fileSource>;

export const limitsPatch = z.strictObject({
  perMinute: z.number().int().min(1).max(10_000).optional(),
  perHour: z.number().int().min(1).max(100_000).optional(),
  perDay: z.number().int().min(1).max(1_000_000).optional(),
  reserve: z.number().int().min(0).max(1_000_000).optional(),
  minGapMs: z.number().int().min(0).max(3_600_000).optional(),
  maxGapMs: z.number().int().min(0).max(3_600_000).optional(),
  maxConcurrent: z.number().int().min(1).max(50).optional(),
});

const smtpSettings = z.strictObject({
  host: line(253).min(1),
  port: z.number().int().min(1).max(65535),
  security: z.enum(SMTP_SECURITY),
  username: line(320).nullable(),
  timeoutMs: z.number().int().min(1000).max(300_000).default(30_000),
});

const imapSettings = z.strictObject({
  host: line(253).min(1),
  port: z.number().int().min(1).max(65535),
  security: z.enum(SMTP_SECURITY),
  /** null: log in with the SMTP account's user name and password. */
  username: line(320).nullable(),
  mailbox: line(200).min(1).default('INBOX'),
});

const template = z.strictObject({
  subject: z.string().max(2_000),
  body: z.string().max(MAX_TEXT),
  format: z.enum(['html', 'markdown']),
  text: z.string().max(MAX_TEXT).nullable(),
});

const sendWindow = z
  .strictObject({
    timeZone: line(64).min(1),
    days: z.array(z.number().int().min(0).max(6)).min(1).max(7),
    startMinute: z.number().int().min(0).max(1439),
    endMinute: z.number().int().min(1).max(1440),
  })
  .refine((w) => w.startMinute < w.endMinute, 'The window must end after it starts');

/**
 * When feedback suppresses an address and pauses a campaign. Rates are percent of the campaign's
 * sent messages; the bounds keep the breaker meaningful (never 0, never so high it cannot trip).
 */
/** The bounds of each feedback setting, for the schema below and the Settings form alike. */
export const FEEDBACK_BOUNDS = {
  softBounceLimit: { min: 1, max: 10, step: 1 },
  bounceRatePercent: { min: 0.5, max: 25, step: 0.5 },
  complaintRatePercent: { min: 0.05, max: 5, step: 0.05 },
  minSent: { min: 10, max: 10_000, step: 10 },
} as const;

const bounded = (key: keyof typeof FEEDBACK_BOUNDS, message: string, int = false) => {
  const { min, max } = FEEDBACK_BOUNDS[key];
  return (int ? z.number().int() : z.number()).min(min, message).max(max, message);
};

export const feedbackSettings = z.strictObject({
  softBounceLimit: bounded('softBounceLimit', 'Suppress after 1 to 10 soft bounces.', true),
  bounceRatePercent: bounded('bounceRatePercent', 'The bounce rate that pauses a campaign must be 0.5% to 25%.'),
  complaintRatePercent: bounded(
    'complaintRatePercent',
    'The complaint rate that pauses a campaign must be 0.05% to 5%.',
  ),
  minSent: bounded('minSent', 'Judge the rates from 10 to 10,000 sent messages on.', true),
});
export type FeedbackSettings = z.infer<typeof feedbackSettings>;

const retryPolicy = z.strictObject({
  maxAttempts: z.number().int().min(1).max(20),
  baseDelayMs: z.number().int().min(1000).max(86_400_000),
  maxDelayMs: z
    .number()
    .int()
    .min(1000)
    .max(7 * 86_400_000),
});

export const campaignPatch = z.strictObject({
  name: oneLine(200).min(1).optional(),
  template: template.optional(),
  pool: z.array(id).max(100).optional(),
  rotation: z.enum(ROTATION_POLICIES).optional(),
  replyTo: address.nullable().optional(),
  /** The sender name recipients see; null uses each account's own from name. */
  fromName: line(200).nullable().optional(),
  scheduleAt: z.number().int().nullable().optional(),
  window: sendWindow.nullable().optional(),
  retry: retryPolicy.optional(),
  unsubscribe: z.strictObject({ mailto: address.nullable(), urlTemplate: line(2000).nullable() }).optional(),
});
export type CampaignPatch = z.infer<typeof campaignPatch>;

// ---- results that are not plain domain objects ------------------------------------------------

export interface AppInfo {
  name: string;
  version: string;
  transport: 'electron' | 'headless';
  dataDir: string;
  keychain: { available: boolean; message: string | null };
  /**
   * RFC 8058 one-click unsubscribe: `on` when the headless server runs its endpoint (messages
   * carry `<baseUrl>/u/<token>`), `off` when it does not, `unavailable` in the desktop app.
   */
  oneClick: { status: 'on'; baseUrl: string } | { status: 'off' | 'unavailable' };
}

export interface SmtpPreset {
  id: string;
  label: string;
  host: string;
  port: number;
  security: (typeof SMTP_SECURITY)[number];
  needsAuth: boolean;
  limits: Omit<Account['limits'], never>;
  note: string;
}

export interface CampaignSummary extends Campaign {
  counts: StateCounts;
}

export interface ImportPreview {
  importId: string;
  fileName: string;
  sizeBytes: number;
  encoding: string;
  delimiter: string;
  columns: MergeField[];
  /** First rows, cells as strings, for the mapping screen. */
  rows: string[][];
  emailColumn: number | null;
  nameColumn: number | null;
}

export interface ImportIssue {
  row: number;
  value: string;
  reason: string;
}

export interface ImportReport {
  importId: string;
  rowsRead: number;
  added: number;
  duplicates: number;
  suppressed: number;
  invalid: number;
  /** The first invalid rows; all of them are in recipients.exportRejected. */
  issues: ImportIssue[];
  /** The first rows whose address was already in the campaign (or earlier in the file). */
  duplicateRows: ImportIssue[];
}

export interface TemplateProblem {
  part: 'subject' | 'body' | 'text' | 'unsubscribe';
  message: string;
  line: number | null;
  column: number | null;
}

export interface TemplateReport {
  ok: boolean;
  errors: TemplateProblem[];
  unknownFields: string[];
  /** Fields that render empty or missing, with how many recipients are affected. */
  emptyFields: { field: string; recipients: number }[];
  checkedRecipients: number;
}

export interface RenderedPreview {
  recipientId: number | null;
  address: string;
  subject: string;
  html: string;
  text: string;
  /** The headers the recipient gets: From, To, Reply-To and List-Unsubscribe (with their own token). */
  headers: [string, string][];
  /** Says the unsubscribe target is per recipient (or why this preview has no token). */
  unsubscribeNote: string;
}

export interface OutboxItem {
  id: number;
  campaignId: number | null;
  recipientId: number | null;
  messageId: string;
  to: string;
  subject: string;
  createdAt: number;
  path: string;
}

export interface FileDownload {
  filename: string;
  contentType: string;
  content: string;
}

/** A file the main process took in (dialog, drop or HTTP upload), for a `{ fileId }` source. */
export interface UploadedFile {
  fileId: string;
  name: string;
  size: number;
}

export interface Paged<T> {
  rows: T[];
  total: number;
}

/** A keyset page: pass `next` back as `after` for the following page; null when there is none. */
export interface CursorPage<T, C = number> {
  rows: T[];
  /** All rows matching the filter, not just this page. */
  total: number;
  next: C | null;
}

export interface AccountRemovalPreview {
  accountId: number;
  label: string;
  /** Sending campaigns that use the account: removal is refused until they are paused. */
  blockedBy: { id: number; name: string }[];
  /** Drafts and paused campaigns whose sender pool loses the account. */
  leavesPools: { id: number; name: string }[];
  /** Whether a password or Google sign-in is stored in the OS keychain for it. */
  keychainEntry: boolean;
  /** Messages sent through it; they stay in results, exports and the activity log under its name. */
  sentMessages: number;
  /** Sentences for the dialog: what goes, and what stays. */
  deletes: string[];
  keeps: string[];
}

export interface TestSendResult {
  to: string;
  accountId: number;
  /** A Message-ID of its own: a test never borrows the recipient's. */
  messageId: string;
  subject: string;
  /** The server's answer. */
  response: string;
}

export interface PoolCapacity {
  campaignId: number;
  /** Sends a day the pool may make in all (each account's daily cap minus its reserve). */
  perDay: number;
  perHour: number;
  accounts: {
    accountId: number;
    label: string;
    perDay: number;
    perHour: number;
    /** What the account may still send in the rolling 24 hours. */
    leftToday: number;
    usable: boolean;
  }[];
  /** Rows still to send (queued or on the wire). */
  remaining: number;
  /** When the remaining rows would be sent with this pool; null when nothing is left. */
  eta: { at: number | null; limitedBy: string } | null;
}

export interface SendRateSeries {
  campaignId: number;
  bucketMs: number;
  from: number;
  to: number;
  /** One entry per bucket from `from` to `to`, zeros included; `at` is the bucket's start. */
  buckets: { at: number; sent: number }[];
}

export interface AppSettings {
  notifications: boolean;
  /** Read by the desktop shell; the headless server ignores it. */
  startAtLogin: boolean;
  /** Filled in for a new custom SMTP account. */
  defaultLimits: Limits;
  /** Given to every new campaign. */
  defaultRetry: RetryPolicy;
  /** The soft-bounce limit and the bounce and complaint rates of the breaker (feedback). */
  feedback: FeedbackSettings;
  firstRunDismissed: boolean;
  /** Where the database, outbox and logs live (read-only). */
  dataDir: string;
}

export interface FirstRunState {
  /** Any account besides the local test outbox. */
  hasAccount: boolean;
  hasCampaign: boolean;
  hasRecipients: boolean;
  /** A campaign message went to the local test outbox. */
  hasSentToOutbox: boolean;
  dismissed: boolean;
  /** Every step is done (or the user dismissed the checklist). */
  done: boolean;
}

// ---- the requests -----------------------------------------------------------------------------

function request<Out>() {
  return <In extends z.ZodType>(input: In) => ({ input, output: undefined as unknown as Out });
}

export const requests = {
  'app.info': request<AppInfo>()(empty),
  'app.firstRun': request<FirstRunState>()(empty),
  /** A small CSV to try the app with (addresses under example.com, which never receives mail). */
  'app.sampleList': request<FileDownload>()(empty),

  'settings.get': request<AppSettings>()(empty),
  'settings.update': request<AppSettings>()(
    z.strictObject({
      notifications: z.boolean().optional(),
      startAtLogin: z.boolean().optional(),
      defaultLimits: limitsPatch.optional(),
      defaultRetry: retryPolicy.optional(),
      feedback: feedbackSettings.partial().optional(),
      firstRunDismissed: z.boolean().optional(),
    }),
  ),

  /** Removed accounts only with includeRemoved (their names label past sends). */
  'accounts.list': request<Account[]>()(z.strictObject({ includeRemoved: z.boolean().default(false) })),
  'accounts.presets': request<SmtpPreset[]>()(empty),
  'accounts.addSmtp': request<Account>()(
    z.strictObject({
      label: oneLine(200).min(1),
      fromName: oneLine(200),
      fromAddress: address,
      preset: line(64).default('custom'),
      smtp: smtpSettings,
      /** Goes straight to the keychain. null for a relay without authentication. */
      password: z.string().max(4096).nullable(),
      limits: limitsPatch.optional(),
      /** Log in to the server before saving (default on). */
      verify: z.boolean().default(true),
    }),
  ),
  'accounts.update': request<Account>()(
    z.strictObject({
      id,
      label: oneLine(200).min(1).optional(),
      fromName: oneLine(200).optional(),
      fromAddress: address.optional(),
      smtp: smtpSettings.partial().optional(),
      password: z.string().max(4096).nullable().optional(),
      limits: limitsPatch.optional(),
    }),
  ),
  /** Deletes the keychain entry and retires the account; its history stays (see removePreview). */
  'accounts.remove': request<{ removed: true }>()(z.strictObject({ id })),
  'accounts.removePreview': request<AccountRemovalPreview>()(z.strictObject({ id })),
  'accounts.verify': request<{ verified: true }>()(z.strictObject({ id })),
  'accounts.setPaused': request<Account>()(z.strictObject({ id, paused: z.boolean() })),
  'accounts.usage': request<AccountUsage[]>()(empty),

  'gmail.getClient': request<{ configured: boolean; clientId: string | null }>()(empty),
  'gmail.setClient': request<{ configured: true }>()(
    z.strictObject({ clientId: line(500).min(1), clientSecret: z.string().min(1).max(500) }),
  ),
  /** Starts the browser consent flow; the outcome arrives as a `gmail.connect` event. */
  'gmail.connect': request<{ flowId: string; authUrl: string }>()(
    z.strictObject({
      reconnectAccountId: id.optional(),
      /** Also ask Google for gmail.readonly, to read bounces and replies (feedback). */
      readFeedback: z.boolean().optional(),
    }),
  ),
  'gmail.cancelConnect': request<{ cancelled: boolean }>()(z.strictObject({ flowId: line(100) })),

  'campaigns.list': request<CampaignSummary[]>()(empty),
  'campaigns.get': request<Campaign>()(z.strictObject({ id })),
  'campaigns.create': request<Campaign>()(campaignPatch.extend({ name: oneLine(200).min(1) })),
  'campaigns.update': request<Campaign>()(z.strictObject({ id, patch: campaignPatch })),
  'campaigns.delete': request<{ deleted: true }>()(z.strictObject({ id })),
  'campaigns.reorder': request<{ reordered: true }>()(
    z.strictObject({
      ids: z
        .array(id)
        .max(10_000)
        .refine((ids) => new Set(ids).size === ids.length, 'names a campaign more than once; list each campaign once.'),
    }),
  ),
  'campaigns.start': request<Campaign>()(z.strictObject({ id })),
  'campaigns.pause': request<Campaign>()(z.strictObject({ id })),
  'campaigns.resume': request<Campaign>()(z.strictObject({ id })),
  'campaigns.cancel': request<Campaign>()(z.strictObject({ id })),
  'campaigns.progress': request<CampaignProgress>()(z.strictObject({ id })),
  /** Without recipientIds: every uncertain row of the campaign. */
  'campaigns.resendUncertain': request<{ count: number }>()(z.strictObject({ id, recipientIds: ids.optional() })),
  'campaigns.markUncertainSent': request<{ count: number }>()(z.strictObject({ id, recipientIds: ids.optional() })),
  'campaigns.uncertain': request<CursorPage<UncertainRow>>()(z.strictObject({ id, ...keyset })),
  'campaigns.retryFailed': request<{ count: number }>()(z.strictObject({ id })),
  'campaigns.exportResults': request<FileDownload>()(z.strictObject({ id })),
  /**
   * Sends the campaign's message, rendered for one recipient (default: the first), to the user's
   * own address through one account. It counts in the account's usage; the campaign's rows and
   * counts are untouched.
   */
  'campaigns.testSend': request<TestSendResult>()(
    z.strictObject({
      campaignId: id,
      accountId: id,
      to: address,
      recipientId: id.optional(),
      template: template.optional(),
    }),
  ),
  /** What the pool can send a day, and the ETA it gives; `pool` previews another pool before saving. */
  'campaigns.capacity': request<PoolCapacity>()(z.strictObject({ id, pool: z.array(id).max(100).optional() })),
  /** Sends per bucket (default one minute), from the first send (or an hour ago) to now. */
  'campaigns.sendRate': request<SendRateSeries>()(
    z.strictObject({
      id,
      from: z.number().int().min(0).optional(),
      to: z.number().int().min(0).optional(),
      bucketMs: z.number().int().min(60_000).max(86_400_000).default(60_000),
    }),
  ),
  /** Failures grouped by masked reason, largest first, every group reachable by paging. */
  'campaigns.failures': request<Paged<FailureGroupDetail>>()(
    z.strictObject({ id, ...page, examples: z.number().int().min(0).max(20).default(3) }),
  ),

  'recipients.list': request<CursorPage<Recipient>>()(
    z.strictObject({
      campaignId: id,
      state: z.enum(RECIPIENT_STATES).optional(),
      /** Matches the address and every merge field's value (case-insensitive, substring). */
      search: line(320).optional(),
      /** The failed rows of one failure group (from campaigns.failures). */
      failure: z.strictObject({ errorClass: z.enum(FAILURE_CLASSES), key: line(2000) }).optional(),
      ...keyset,
    }),
  ),
  'recipients.importPreview': request<ImportPreview>()(z.strictObject({ campaignId: id, source: fileSource })),
  'recipients.importCommit': request<ImportReport>()(
    z.strictObject({
      importId: line(100),
      emailColumn: z.number().int().min(0).max(10_000),
      /** Columns to keep as merge fields (default: all). */
      fieldColumns: z.array(z.number().int().min(0).max(10_000)).max(10_000).optional(),
      /** New names for kept columns; the merge field key follows the name. */
      renames: z
        .array(z.strictObject({ column: z.number().int().min(0).max(10_000), label: line(200).trim().min(1) }))
        .max(10_000)
        .optional(),
    }),
  ),
  'recipients.exportRejected': request<FileDownload>()(z.strictObject({ importId: line(100) })),

  'templates.validate': request<TemplateReport>()(z.strictObject({ campaignId: id, template: template.optional() })),
  'templates.preview': request<RenderedPreview>()(
    z.strictObject({ campaignId: id, recipientId: id.optional(), template: template.optional() }),
  ),

  'attachments.add': request<AttachmentRef>()(z.strictObject({ campaignId: id, source: fileSource })),
  'attachments.remove': request<{ removed: true }>()(z.strictObject({ campaignId: id, attachmentId: line(100) })),

  /** Newest first. `after` is the opaque `next` of the previous page. */
  'suppressions.list': request<CursorPage<Suppression, string>>()(
    z.strictObject({
      search: line(320).optional(),
      after: line(400).optional(),
      limit: z.number().int().min(1).max(500).default(100),
    }),
  ),
  'suppressions.add': request<{ added: number }>()(
    z.strictObject({ addresses: z.array(line(320)).min(1).max(10_000), reason: z.enum(SUPPRESSION_REASONS) }),
  ),
  /** Returns the removed entries, so an undo can hand them to suppressions.restore. */
  'suppressions.remove': request<{ removed: number; entries: Suppression[] }>()(
    z.strictObject({ addresses: z.array(line(320)).min(1).max(10_000) }),
  ),
  'suppressions.restore': request<{ restored: number }>()(
    z.strictObject({
      entries: z
        .array(
          z.strictObject({
            address: line(320),
            reason: z.enum(SUPPRESSION_REASONS),
            source: line(500),
            createdAt: z.number().int().min(0),
          }),
        )
        .min(1)
        .max(10_000),
    }),
  ),
  'suppressions.import': request<{ added: number; invalid: number }>()(
    z.strictObject({ source: fileSource, reason: z.enum(SUPPRESSION_REASONS).default('manual') }),
  ),
  'suppressions.export': request<FileDownload>()(empty),

  /** Newest first; search matches recipient, subject and Message-ID. */
  'outbox.list': request<CursorPage<OutboxItem>>()(
    z.strictObject({ campaignId: id.optional(), search: line(320).optional(), ...keyset }),
  ),
  /** The stored message as sent, and its HTML and text parts decoded for the sandboxed preview. */
  'outbox.read': request<{ item: OutboxItem; raw: string; html: string | null; text: string | null }>()(
    z.strictObject({ id }),
  ),

  'feedback.readers': request<FeedbackReader[]>()(empty),
  /** Turns reading bounces, replies and unsubscribe requests from an account's mailbox on or off. */
  'feedback.configure': request<FeedbackReader>()(
    z.strictObject({
      accountId: id,
      enabled: z.boolean(),
      /** SMTP accounts: where to read. Default: the provider's IMAP server with the SMTP login. */
      imap: imapSettings.optional(),
      /** A separate IMAP password (to the keychain); null: the SMTP password. */
      password: z.string().max(4096).nullable().optional(),
      /** Log in to the mailbox before saving (default on). */
      verify: z.boolean().default(true),
    }),
  ),
  'feedback.readNow': request<FeedbackReader>()(z.strictObject({ accountId: id })),
  'feedback.list': request<Paged<FeedbackItem>>()(
    z.strictObject({ campaignId: id, kind: z.enum(FEEDBACK_SIGNALS).optional(), ...page }),
  ),
  'feedback.counts': request<FeedbackCounts>()(z.strictObject({ campaignId: id })),

  'activity.list': request<ActivityEntry[]>()(
    z.strictObject({ campaignId: id.optional(), limit: z.number().int().min(1).max(1000).default(200) }),
  ),
} as const;

// ---- the events -------------------------------------------------------------------------------

export interface EventPayloads {
  'campaign.progress': CampaignProgress;
  'campaigns.changed': { campaignId: number | null };
  'accounts.changed': { accountId: number | null };
  'account.needsReauth': { accountId: number; label: string; message: string };
  /** Every campaign status change, from the one lifecycle table; `cause` says who made it. */
  'campaign.status': {
    campaignId: number;
    name: string;
    from: CampaignStatus;
    to: CampaignStatus;
    cause: CampaignStatusCause;
    reason: string | null;
  };
  /** The sender finished a campaign: nothing queued, nothing on the wire, nothing uncertain. */
  'campaign.finished': { campaignId: number; name: string; counts: StateCounts };
  /** An account cannot send until `until` (the provider throttled it, its quota is spent, the keychain is locked). */
  'account.limited': {
    accountId: number;
    label: string;
    until: number;
    cause: 'throttle' | 'quota' | 'keychain';
    message: string;
  };
  'import.progress': {
    importId: string;
    phase: 'reading' | 'writing' | 'done';
    rowsRead: number;
    bytesRead: number;
    totalBytes: number;
  };
  'gmail.connect': {
    flowId: string;
    status: 'connected' | 'failed' | 'cancelled' | 'timeout';
    account: Account | null;
    message: string | null;
  };
  /**
   * Feedback was recorded (campaignId set; accountId null for a one-click request), or a reader's
   * status changed (campaignId null).
   */
  'feedback.changed': { accountId: number | null; campaignId: number | null };
  activity: ActivityEntry;
  'settings.changed': AppSettings;
}

// ---- derived types ----------------------------------------------------------------------------

export type Requests = typeof requests;
export type RequestName = keyof Requests;
export type RequestInput<N extends RequestName> = z.input<Requests[N]['input']>;
export type ParsedInput<N extends RequestName> = z.output<Requests[N]['input']>;
export type RequestOutput<N extends RequestName> = Requests[N]['output'];
export type EventName = keyof EventPayloads;

// Compile-time proof that channels.ts lists exactly the contract's names.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const requestNamesMatch: Same<RequestName, (typeof REQUEST_NAMES)[number]> = true;
const eventNamesMatch: Same<EventName, (typeof EVENT_NAMES)[number]> = true;
void requestNamesMatch;
void eventNamesMatch;

/** The API object both transports hand the renderer: one named method per request. */
export type Api = {
  [N in RequestName]: (input: RequestInput<N>) => Promise<import('./result').Result<RequestOutput<N>>>;
};
