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
  FEEDBACK_SIGNALS,
  type FeedbackCounts,
  type FeedbackItem,
  type FeedbackReader,
  type MergeField,
  RECIPIENT_STATES,
  type Recipient,
  ROTATION_POLICIES,
  SMTP_SECURITY,
  type StateCounts,
  SUPPRESSION_REASONS,
  type Suppression,
} from './domain';

// ---- building blocks --------------------------------------------------------------------------

const MAX_TEXT = 1_000_000; // a template body
const MAX_LINE = 1_000; // names, labels, hosts
/** base64 of an upload: about 64 MiB of file. */
export const MAX_UPLOAD_BASE64 = 90_000_000;

const id = z.number().int().positive();
const line = (max = MAX_LINE) => z.string().max(max);
const address = z.string().trim().max(320).pipe(z.email());
const empty = z.strictObject({});
const page = { offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(500).default(100) };

/** A file the engine reads: a local path (Electron, CLI) or an uploaded body (browser). */
export const fileSource = z.union([
  z.strictObject({ path: line(4096).min(1) }),
  z.strictObject({ upload: z.strictObject({ name: line(255).min(1), base64: z.string().max(MAX_UPLOAD_BASE64) }) }),
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
  name: line(200).min(1).optional(),
  template: template.optional(),
  pool: z.array(id).max(100).optional(),
  rotation: z.enum(ROTATION_POLICIES).optional(),
  replyTo: address.nullable().optional(),
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
  headers: [string, string][];
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

export interface Paged<T> {
  rows: T[];
  total: number;
}

// ---- the requests -----------------------------------------------------------------------------

function request<Out>() {
  return <In extends z.ZodType>(input: In) => ({ input, output: undefined as unknown as Out });
}

export const requests = {
  'app.info': request<AppInfo>()(empty),

  'accounts.list': request<Account[]>()(empty),
  'accounts.presets': request<SmtpPreset[]>()(empty),
  'accounts.addSmtp': request<Account>()(
    z.strictObject({
      label: line(200).min(1),
      fromName: line(200),
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
      label: line(200).min(1).optional(),
      fromName: line(200).optional(),
      fromAddress: address.optional(),
      smtp: smtpSettings.partial().optional(),
      password: z.string().max(4096).nullable().optional(),
      limits: limitsPatch.optional(),
    }),
  ),
  'accounts.remove': request<{ removed: true }>()(z.strictObject({ id })),
  'accounts.verify': request<{ verified: true }>()(z.strictObject({ id })),
  'accounts.setPaused': request<Account>()(z.strictObject({ id, paused: z.boolean() })),
  'accounts.usage': request<AccountUsage[]>()(empty),

  'gmail.getClient': request<{ configured: boolean; clientId: string | null }>()(empty),
  'gmail.setClient': request<{ configured: true }>()(
    z.strictObject({ clientId: line(500).min(1), clientSecret: z.string().min(1).max(500) }),
  ),
  /** Starts the browser consent flow; the outcome arrives as a `gmail.connect` event. */
  'gmail.connect': request<{ flowId: string; authUrl: string }>()(
    z.strictObject({ reconnectAccountId: id.optional() }),
  ),
  'gmail.cancelConnect': request<{ cancelled: boolean }>()(z.strictObject({ flowId: line(100) })),

  'campaigns.list': request<CampaignSummary[]>()(empty),
  'campaigns.get': request<Campaign>()(z.strictObject({ id })),
  'campaigns.create': request<Campaign>()(campaignPatch.extend({ name: line(200).min(1) })),
  'campaigns.update': request<Campaign>()(z.strictObject({ id, patch: campaignPatch })),
  'campaigns.delete': request<{ deleted: true }>()(z.strictObject({ id })),
  'campaigns.reorder': request<{ reordered: true }>()(z.strictObject({ ids: z.array(id).max(10_000) })),
  'campaigns.start': request<Campaign>()(z.strictObject({ id })),
  'campaigns.pause': request<Campaign>()(z.strictObject({ id })),
  'campaigns.resume': request<Campaign>()(z.strictObject({ id })),
  'campaigns.cancel': request<Campaign>()(z.strictObject({ id })),
  'campaigns.progress': request<CampaignProgress>()(z.strictObject({ id })),
  'campaigns.resendUncertain': request<{ count: number }>()(z.strictObject({ id })),
  'campaigns.markUncertainSent': request<{ count: number }>()(z.strictObject({ id })),
  'campaigns.retryFailed': request<{ count: number }>()(z.strictObject({ id })),
  'campaigns.exportResults': request<FileDownload>()(z.strictObject({ id })),

  'recipients.list': request<Paged<Recipient>>()(
    z.strictObject({
      campaignId: id,
      state: z.enum(RECIPIENT_STATES).optional(),
      search: line(320).optional(),
      ...page,
    }),
  ),
  'recipients.importPreview': request<ImportPreview>()(z.strictObject({ campaignId: id, source: fileSource })),
  'recipients.importCommit': request<ImportReport>()(
    z.strictObject({
      importId: line(100),
      emailColumn: z.number().int().min(0).max(10_000),
      /** Columns to keep as merge fields (default: all). */
      fieldColumns: z.array(z.number().int().min(0).max(10_000)).max(10_000).optional(),
    }),
  ),
  'recipients.exportRejected': request<FileDownload>()(z.strictObject({ importId: line(100) })),

  'templates.validate': request<TemplateReport>()(z.strictObject({ campaignId: id, template: template.optional() })),
  'templates.preview': request<RenderedPreview>()(
    z.strictObject({ campaignId: id, recipientId: id.optional(), template: template.optional() }),
  ),

  'attachments.add': request<AttachmentRef>()(z.strictObject({ campaignId: id, source: fileSource })),
  'attachments.remove': request<{ removed: true }>()(z.strictObject({ campaignId: id, attachmentId: line(100) })),

  'suppressions.list': request<Paged<Suppression>>()(z.strictObject({ search: line(320).optional(), ...page })),
  'suppressions.add': request<{ added: number }>()(
    z.strictObject({ addresses: z.array(line(320)).min(1).max(10_000), reason: z.enum(SUPPRESSION_REASONS) }),
  ),
  'suppressions.remove': request<{ removed: number }>()(
    z.strictObject({ addresses: z.array(line(320)).min(1).max(10_000) }),
  ),
  'suppressions.import': request<{ added: number; invalid: number }>()(
    z.strictObject({ source: fileSource, reason: z.enum(SUPPRESSION_REASONS).default('manual') }),
  ),
  'suppressions.export': request<FileDownload>()(empty),

  'outbox.list': request<Paged<OutboxItem>>()(z.strictObject({ campaignId: id.optional(), ...page })),
  'outbox.read': request<{ item: OutboxItem; raw: string }>()(z.strictObject({ id })),

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
  /** Feedback was read (campaignId set), or a reader's status changed (campaignId null). */
  'feedback.changed': { accountId: number; campaignId: number | null };
  activity: ActivityEntry;
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
