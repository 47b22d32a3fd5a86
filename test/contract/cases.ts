// One table of contract cases, run over every transport (WebSocket and IPC). For each request:
// valid calls with the outcome a fresh engine must give, and malformed inputs that must all be
// refused as invalid_input without crashing anything or polluting Object.prototype.
import { REQUEST_NAMES } from '../../shared/channels';
import type { RequestName } from '../../shared/contract';
import type { ErrorCode, Result } from '../../shared/result';

/** Sends one request over the transport under test. */
export type Call = (name: string, input: unknown) => Promise<Result<unknown>>;

/** Values earlier cases produced, for the cases that need them. */
export interface CaseState {
  campaignId?: number;
  importId?: string;
  attachmentId?: string;
  flowId?: string;
  outboxId?: number;
  relayId?: number;
  removedSuppressions?: unknown[];
}

export interface ValidCase {
  name: RequestName;
  title: string;
  input: (s: CaseState) => unknown;
  expect: 'ok' | ErrorCode;
  /** Checks the value of an ok answer and keeps what later cases need. */
  check?: (value: unknown, s: CaseState) => void;
}

const MISSING = 999_999;
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const CSV = 'email;first_name\nada@example.com;Ada\nbad-address;Bob\ngrace@example.com;Grace\n';

function expectThat(cond: unknown, what: string): asserts cond {
  if (!cond) throw new Error(`contract case check failed: ${what}`);
}
const obj = (v: unknown) => v as Record<string, unknown>;

const template = { subject: 'Hi {{first_name}}', body: '<p>Hello {{first_name}}</p>', format: 'html', text: null };

/** Run in this order against one fresh engine; later cases use what earlier ones created. */
export const VALID_CASES: ValidCase[] = [
  {
    name: 'app.info',
    title: 'reports the app',
    input: () => ({}),
    expect: 'ok',
    check: (v) => expectThat(obj(v).name === 'Campaign Tray' && typeof obj(v).version === 'string', 'name and version'),
  },
  {
    name: 'app.firstRun',
    title: 'a fresh install has everything still to do',
    input: () => ({}),
    expect: 'ok',
    check: (v) => expectThat(obj(v).hasCampaign === false && obj(v).done === false, 'nothing done yet'),
  },
  {
    name: 'app.sampleList',
    title: 'ships a sample list',
    input: () => ({}),
    expect: 'ok',
    check: (v) => expectThat(String(obj(v).content).startsWith('email,first_name'), 'a CSV with a header'),
  },
  {
    name: 'settings.get',
    title: 'reads the defaults',
    input: () => ({}),
    expect: 'ok',
    check: (v) => expectThat(obj(v).notifications === true && typeof obj(v).dataDir === 'string', 'defaults'),
  },
  {
    name: 'settings.update',
    title: 'turns notifications off',
    input: () => ({ notifications: false }),
    expect: 'ok',
    check: (v) => expectThat(obj(v).notifications === false, 'off'),
  },
  {
    name: 'accounts.list',
    title: 'lists the local test outbox',
    input: () => ({}),
    expect: 'ok',
    check: (v, s) => {
      const outbox = Array.isArray(v) ? v.find((a) => obj(a).kind === 'outbox') : undefined;
      expectThat(outbox, 'an outbox account');
      s.outboxId = obj(outbox).id as number;
    },
  },
  {
    name: 'accounts.presets',
    title: 'ships SMTP presets',
    input: () => ({}),
    expect: 'ok',
    check: (v) => expectThat(Array.isArray(v) && v.length > 0, 'at least one preset'),
  },
  {
    name: 'accounts.addSmtp',
    title: 'adds an unauthenticated relay without logging in',
    input: () => ({
      label: 'Relay',
      fromName: 'Team',
      fromAddress: 'team@example.com',
      smtp: { host: '127.0.0.1', port: 2525, security: 'none', username: null },
      password: null,
      verify: false,
    }),
    expect: 'ok',
    check: (v, s) => {
      expectThat(obj(v).kind === 'smtp' && !('password' in obj(v)), 'an smtp account without a password');
      s.relayId = obj(v).id as number;
    },
  },
  {
    name: 'accounts.removePreview',
    title: 'says a relay without a login has nothing in the keychain',
    input: (s) => ({ id: s.relayId }),
    expect: 'ok',
    check: (v) => expectThat(obj(v).keychainEntry === false && Array.isArray(obj(v).keeps), 'no keychain entry'),
  },
  { name: 'accounts.removePreview', title: 'unknown account', input: () => ({ id: MISSING }), expect: 'not_found' },
  {
    name: 'accounts.update',
    title: 'unknown account',
    input: () => ({ id: MISSING, label: 'x' }),
    expect: 'not_found',
  },
  { name: 'accounts.verify', title: 'unknown account', input: () => ({ id: MISSING }), expect: 'not_found' },
  {
    name: 'accounts.setPaused',
    title: 'unknown account',
    input: () => ({ id: MISSING, paused: true }),
    expect: 'not_found',
  },
  { name: 'accounts.remove', title: 'unknown account', input: () => ({ id: MISSING }), expect: 'not_found' },
  {
    name: 'accounts.usage',
    title: 'usage per account',
    input: () => ({}),
    expect: 'ok',
    check: (v) => expectThat(Array.isArray(v) && v.length >= 2, 'outbox and relay'),
  },
  {
    name: 'gmail.getClient',
    title: 'no OAuth client yet',
    input: () => ({}),
    expect: 'ok',
    check: (v) => expectThat(obj(v).configured === false, 'not configured'),
  },
  {
    name: 'gmail.setClient',
    title: 'stores the OAuth client',
    input: () => ({ clientId: 'contract.apps.googleusercontent.com', clientSecret: 'contract-secret' }),
    expect: 'ok',
  },
  {
    name: 'gmail.connect',
    title: 'starts a consent flow',
    input: () => ({}),
    expect: 'ok',
    check: (v, s) => {
      expectThat(typeof obj(v).authUrl === 'string' && typeof obj(v).flowId === 'string', 'flow and URL');
      s.flowId = obj(v).flowId as string;
    },
  },
  {
    name: 'gmail.cancelConnect',
    title: 'cancels that flow',
    input: (s) => ({ flowId: s.flowId }),
    expect: 'ok',
    check: (v) => expectThat(obj(v).cancelled === true, 'cancelled'),
  },
  {
    name: 'campaigns.create',
    title: 'creates a draft',
    input: () => ({ name: 'Contract' }),
    expect: 'ok',
    check: (v, s) => {
      expectThat(obj(v).status === 'draft', 'a draft');
      s.campaignId = obj(v).id as number;
    },
  },
  {
    name: 'campaigns.list',
    title: 'lists it with counts',
    input: () => ({}),
    expect: 'ok',
    check: (v) => expectThat(Array.isArray(v) && v.length === 1 && obj(v[0]).counts, 'one campaign with counts'),
  },
  { name: 'campaigns.get', title: 'reads it', input: (s) => ({ id: s.campaignId }), expect: 'ok' },
  {
    name: 'campaigns.update',
    title: 'renames it',
    input: (s) => ({ id: s.campaignId, patch: { name: 'Contract renamed' } }),
    expect: 'ok',
    check: (v) => expectThat(obj(v).name === 'Contract renamed', 'renamed'),
  },
  { name: 'campaigns.reorder', title: 'orders it', input: (s) => ({ ids: [s.campaignId] }), expect: 'ok' },
  {
    name: 'recipients.importPreview',
    title: 'previews an uploaded CSV',
    input: (s) => ({ campaignId: s.campaignId, source: { upload: { name: 'people.csv', base64: b64(CSV) } } }),
    expect: 'ok',
    check: (v, s) => {
      expectThat(obj(v).delimiter === ';' && obj(v).emailColumn === 0, 'semicolon, email first');
      s.importId = obj(v).importId as string;
    },
  },
  {
    name: 'recipients.importCommit',
    title: 'imports two and rejects one',
    input: (s) => ({ importId: s.importId, emailColumn: 0 }),
    expect: 'ok',
    check: (v) => expectThat(obj(v).added === 2 && obj(v).invalid === 1, `added 2, invalid 1: ${JSON.stringify(v)}`),
  },
  {
    name: 'recipients.exportRejected',
    title: 'downloads the rejected row',
    input: (s) => ({ importId: s.importId }),
    expect: 'ok',
    check: (v) => expectThat(String(obj(v).content).includes('bad-address'), 'the bad row'),
  },
  {
    name: 'recipients.list',
    title: 'lists the imported recipients',
    input: (s) => ({ campaignId: s.campaignId }),
    expect: 'ok',
    check: (v) => expectThat(obj(v).total === 2, 'two recipients'),
  },
  {
    name: 'templates.validate',
    title: 'accepts a template with a known field',
    input: (s) => ({ campaignId: s.campaignId, template }),
    expect: 'ok',
    check: (v) => expectThat(obj(v).ok === true, 'valid'),
  },
  {
    name: 'templates.preview',
    title: 'renders the first recipient',
    input: (s) => ({ campaignId: s.campaignId, template }),
    expect: 'ok',
    check: (v) => expectThat(String(obj(v).html).includes('Hello Ada'), 'merged value'),
  },
  {
    name: 'attachments.add',
    title: 'attaches an uploaded file',
    input: (s) => ({ campaignId: s.campaignId, source: { upload: { name: 'terms.txt', base64: b64('terms') } } }),
    expect: 'ok',
    check: (v, s) => {
      s.attachmentId = obj(v).id as string;
    },
  },
  {
    name: 'attachments.remove',
    title: 'removes it again',
    input: (s) => ({ campaignId: s.campaignId, attachmentId: s.attachmentId }),
    expect: 'ok',
  },
  {
    name: 'campaigns.progress',
    title: 'reports two queued',
    input: (s) => ({ id: s.campaignId }),
    expect: 'ok',
    check: (v) => expectThat(obj(obj(v).counts).queued === 2, 'two queued'),
  },
  {
    name: 'campaigns.testSend',
    title: 'sends the first recipient’s message to the user through the outbox',
    input: (s) => ({ campaignId: s.campaignId, accountId: s.outboxId, to: 'me@example.com' }),
    expect: 'ok',
    check: (v) => expectThat(obj(v).to === 'me@example.com' && String(obj(v).response).startsWith('250'), 'saved'),
  },
  {
    name: 'campaigns.testSend',
    title: 'unknown account',
    input: (s) => ({ campaignId: s.campaignId, accountId: MISSING, to: 'me@example.com' }),
    expect: 'not_found',
  },
  {
    name: 'campaigns.capacity',
    title: 'the pool’s daily capacity',
    input: (s) => ({ id: s.campaignId }),
    expect: 'ok',
    check: (v) => expectThat(Number(obj(v).perDay) > 0 && obj(v).remaining === 2, 'capacity and two to send'),
  },
  {
    name: 'campaigns.sendRate',
    title: 'an empty series before any send',
    input: (s) => ({ id: s.campaignId }),
    expect: 'ok',
    check: (v) => expectThat(Array.isArray(obj(v).buckets) && obj(v).bucketMs === 60_000, 'minute buckets'),
  },
  {
    name: 'campaigns.failures',
    title: 'no failures yet',
    input: (s) => ({ id: s.campaignId }),
    expect: 'ok',
    check: (v) => expectThat(obj(v).total === 0, 'none'),
  },
  {
    name: 'campaigns.uncertain',
    title: 'no uncertain rows',
    input: (s) => ({ id: s.campaignId }),
    expect: 'ok',
    check: (v) => expectThat(obj(v).total === 0 && obj(v).next === null, 'none'),
  },
  { name: 'campaigns.start', title: 'unknown campaign', input: () => ({ id: MISSING }), expect: 'not_found' },
  { name: 'campaigns.pause', title: 'unknown campaign', input: () => ({ id: MISSING }), expect: 'not_found' },
  { name: 'campaigns.resume', title: 'unknown campaign', input: () => ({ id: MISSING }), expect: 'not_found' },
  { name: 'campaigns.cancel', title: 'unknown campaign', input: () => ({ id: MISSING }), expect: 'not_found' },
  { name: 'campaigns.resendUncertain', title: 'unknown campaign', input: () => ({ id: MISSING }), expect: 'not_found' },
  {
    name: 'campaigns.markUncertainSent',
    title: 'unknown campaign',
    input: () => ({ id: MISSING }),
    expect: 'not_found',
  },
  { name: 'campaigns.retryFailed', title: 'unknown campaign', input: () => ({ id: MISSING }), expect: 'not_found' },
  {
    name: 'campaigns.exportResults',
    title: 'exports a CSV of the recipients',
    input: (s) => ({ id: s.campaignId }),
    expect: 'ok',
    check: (v) => expectThat(String(obj(v).content).includes('ada@example.com'), 'a recipient row'),
  },
  {
    name: 'suppressions.add',
    title: 'suppresses an address',
    input: () => ({ addresses: ['gone@example.com'], reason: 'unsubscribed' }),
    expect: 'ok',
    check: (v) => expectThat(obj(v).added === 1, 'one added'),
  },
  {
    name: 'suppressions.list',
    title: 'lists it',
    input: () => ({}),
    expect: 'ok',
    check: (v) => expectThat(obj(v).total === 1, 'one suppression'),
  },
  {
    name: 'suppressions.export',
    title: 'exports it',
    input: () => ({}),
    expect: 'ok',
    check: (v) => expectThat(String(obj(v).content).includes('gone@example.com'), 'the address'),
  },
  {
    name: 'suppressions.remove',
    title: 'removes it',
    input: () => ({ addresses: ['gone@example.com'] }),
    expect: 'ok',
    check: (v, s) => {
      expectThat(obj(v).removed === 1 && Array.isArray(obj(v).entries), 'one removed, returned');
      s.removedSuppressions = obj(v).entries as unknown[];
    },
  },
  {
    name: 'suppressions.restore',
    title: 'puts it back (undo)',
    input: (s) => ({ entries: s.removedSuppressions }),
    expect: 'ok',
    check: (v) => expectThat(obj(v).restored === 1, 'one restored'),
  },
  {
    name: 'suppressions.import',
    title: 'imports a list',
    input: () => ({
      source: { upload: { name: 'bounces.csv', base64: b64('email\nb1@example.com\nnot-an-address\n') } },
    }),
    expect: 'ok',
    check: (v) =>
      expectThat(obj(v).added === 1 && obj(v).invalid === 1, `one added, one invalid: ${JSON.stringify(v)}`),
  },
  { name: 'outbox.list', title: 'empty outbox', input: () => ({}), expect: 'ok' },
  { name: 'outbox.read', title: 'unknown message', input: () => ({ id: MISSING }), expect: 'not_found' },
  {
    name: 'feedback.readers',
    title: 'every sending account, feedback off until turned on (the outbox has no mailbox)',
    input: () => ({}),
    expect: 'ok',
    check: (v) =>
      expectThat(
        Array.isArray(v) && v.every((r) => obj(r).enabled === false && obj(r).via === 'imap'),
        `readers off: ${JSON.stringify(v)}`,
      ),
  },
  {
    name: 'feedback.configure',
    title: 'unknown account',
    input: () => ({ accountId: MISSING, enabled: true }),
    expect: 'not_found',
  },
  { name: 'feedback.readNow', title: 'unknown account', input: () => ({ accountId: MISSING }), expect: 'not_found' },
  {
    name: 'feedback.counts',
    title: 'nothing read yet',
    input: (s) => ({ campaignId: s.campaignId }),
    expect: 'ok',
    check: (v) => expectThat(obj(v).hard_bounce === 0 && obj(v).reply === 0, `zero counts: ${JSON.stringify(v)}`),
  },
  { name: 'feedback.list', title: 'nothing read yet', input: (s) => ({ campaignId: s.campaignId }), expect: 'ok' },
  { name: 'activity.list', title: 'the log', input: () => ({}), expect: 'ok' },
  { name: 'campaigns.delete', title: 'unknown campaign', input: () => ({ id: MISSING }), expect: 'not_found' },
  { name: 'campaigns.delete', title: 'deletes the campaign', input: (s) => ({ id: s.campaignId }), expect: 'ok' },
  { name: 'accounts.remove', title: 'removes the relay', input: (s) => ({ id: s.relayId }), expect: 'ok' },
  {
    name: 'accounts.list',
    title: 'keeps the removed relay for history when asked',
    input: () => ({ includeRemoved: true }),
    expect: 'ok',
    check: (v) =>
      expectThat(Array.isArray(v) && v.some((a) => obj(a).label === 'Relay' && obj(a).removedAt !== null), 'retired'),
  },
];

/** A well-formed input per request (ids need not exist): the base the malformed inputs bend. */
export const SHAPES: Record<RequestName, Record<string, unknown>> = {
  'app.info': {},
  'app.firstRun': {},
  'app.sampleList': {},
  'settings.get': {},
  'settings.update': { notifications: true, defaultRetry: { maxAttempts: 3, baseDelayMs: 60_000, maxDelayMs: 60_000 } },
  'accounts.list': { includeRemoved: true },
  'accounts.presets': {},
  'accounts.addSmtp': {
    label: 'x',
    fromName: 'x',
    fromAddress: 'x@example.com',
    smtp: { host: 'h', port: 25, security: 'none', username: null },
    password: null,
  },
  'accounts.update': { id: 1, label: 'x' },
  'accounts.remove': { id: 1 },
  'accounts.removePreview': { id: 1 },
  'accounts.verify': { id: 1 },
  'accounts.setPaused': { id: 1, paused: true },
  'accounts.usage': {},
  'gmail.getClient': {},
  'gmail.setClient': { clientId: 'x', clientSecret: 'y' },
  'gmail.connect': { reconnectAccountId: 1 },
  'gmail.cancelConnect': { flowId: 'f' },
  'campaigns.list': {},
  'campaigns.get': { id: 1 },
  'campaigns.create': { name: 'x' },
  'campaigns.update': { id: 1, patch: { name: 'x' } },
  'campaigns.delete': { id: 1 },
  'campaigns.reorder': { ids: [1] },
  'campaigns.start': { id: 1 },
  'campaigns.pause': { id: 1 },
  'campaigns.resume': { id: 1 },
  'campaigns.cancel': { id: 1 },
  'campaigns.progress': { id: 1 },
  'campaigns.resendUncertain': { id: 1 },
  'campaigns.markUncertainSent': { id: 1 },
  'campaigns.retryFailed': { id: 1 },
  'campaigns.exportResults': { id: 1 },
  'campaigns.uncertain': { id: 1, after: 5 },
  'campaigns.testSend': { campaignId: 1, accountId: 1, to: 'me@example.com', recipientId: 2 },
  'campaigns.capacity': { id: 1, pool: [1] },
  'campaigns.sendRate': { id: 1, bucketMs: 60_000 },
  'campaigns.failures': { id: 1, examples: 3 },
  'recipients.list': { campaignId: 1, search: 'x' },
  'recipients.importPreview': { campaignId: 1, source: { upload: { name: 'a.csv', base64: '' } } },
  'recipients.importCommit': { importId: 'i', emailColumn: 0 },
  'recipients.exportRejected': { importId: 'i' },
  'templates.validate': { campaignId: 1, template },
  'templates.preview': { campaignId: 1, template },
  'attachments.add': { campaignId: 1, source: { fileId: 'AAAAAAAAAAAAAAAAAAAAAAAA' } },
  'attachments.remove': { campaignId: 1, attachmentId: 'a' },
  'suppressions.list': { search: 'x' },
  'suppressions.add': { addresses: ['a@example.com'], reason: 'manual' },
  'suppressions.remove': { addresses: ['a@example.com'] },
  'suppressions.restore': {
    entries: [{ address: 'a@example.com', reason: 'manual', source: 'manual', createdAt: 0 }],
  },
  'suppressions.import': { source: { fileId: 'AAAAAAAAAAAAAAAAAAAAAAAA' } },
  'suppressions.export': {},
  'outbox.list': { campaignId: 1 },
  'outbox.read': { id: 1 },
  'feedback.readers': {},
  'feedback.configure': { accountId: 1, enabled: false },
  'feedback.readNow': { accountId: 1 },
  'feedback.list': { campaignId: 1 },
  'feedback.counts': { campaignId: 1 },
  'activity.list': { campaignId: 1 },
};

// Longer than any string the contract takes, and still inside one WebSocket frame.
const LONG = 'x'.repeat(1_000_001);

function wrongTypeOf(v: unknown): unknown {
  if (typeof v === 'string') return 12345;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return 'yes';
  if (Array.isArray(v)) return { 0: v[0] };
  if (v === null) return 0;
  return 'not an object';
}

/** The path of the first short string in a shape (upload bodies may be long; skip them). */
function firstStringPath(v: unknown, at: string[] = []): string[] | null {
  if (typeof v === 'string') return at[at.length - 1] === 'base64' ? null : at;
  if (v && typeof v === 'object') {
    for (const [k, child] of Object.entries(v)) {
      const p = firstStringPath(child, [...at, k]);
      if (p) return p;
    }
  }
  return null;
}

function setPath(root: Record<string, unknown>, at: string[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(root);
  let cur: Record<string, unknown> = copy;
  at.forEach((k, i) => {
    if (i === at.length - 1) cur[k] = value;
    else cur = cur[k] as Record<string, unknown>;
  });
  return copy;
}

/** The same object with an own "__proto__" key, as JSON.parse makes it. */
function withProtoKey(shape: Record<string, unknown>): unknown {
  const rest = JSON.stringify(shape).slice(1);
  return JSON.parse(`{"__proto__":{"polluted":true}${rest === '}' ? '' : ','}${rest}`);
}

export interface MalformedCase {
  title: string;
  input: unknown;
}

export function malformedCases(name: RequestName): MalformedCase[] {
  const shape = SHAPES[name];
  const cases: MalformedCase[] = [
    { title: 'null', input: null },
    { title: 'an array', input: [shape] },
    { title: 'a string', input: 'campaigns' },
    { title: 'a number', input: 7 },
    { title: 'an extra field', input: { ...shape, unexpected: true } },
    { title: 'a __proto__ key', input: withProtoKey(shape) },
    { title: 'a constructor.prototype key', input: { ...shape, constructor: { prototype: { polluted: true } } } },
  ];
  const firstKey = Object.keys(shape)[0];
  if (firstKey !== undefined) {
    cases.push({
      title: `a wrong type for ${firstKey}`,
      input: { ...shape, [firstKey]: wrongTypeOf(shape[firstKey]) },
    });
  }
  const strPath = firstStringPath(shape);
  cases.push(
    strPath
      ? { title: `an over-long ${strPath.join('.')}`, input: setPath(shape, strPath, LONG) }
      : firstKey !== undefined
        ? { title: `an over-long string as ${firstKey}`, input: { ...shape, [firstKey]: LONG } }
        : { title: 'an over-long extra field', input: { note: LONG } },
  );
  return cases;
}

export { REQUEST_NAMES };
