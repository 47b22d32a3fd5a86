import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { accountHandlers, ensureOutboxAccount } from '../../main/engine/api/accounts-api';
import { settingsHandlers } from '../../main/engine/api/settings-api';
import { systemClock } from '../../main/engine/clock';
import type { EngineContext } from '../../main/engine/context';
import { AppError } from '../../main/engine/errors';
import { EventHub } from '../../main/engine/events/hub';
import { FileRegistry } from '../../main/engine/files/registry';
import { silentLogger } from '../../main/engine/log';
import { accountSecretKey } from '../../main/engine/secrets/secret-store';
import { openStore, type Store } from '../../main/engine/store';
import { createOutboxTransport } from '../../main/engine/transports/outbox';
import { defaultLimits, isConsumerGmail, SMTP_PRESETS } from '../../main/engine/transports/presets';
import { createSmtpTransport } from '../../main/engine/transports/smtp';
import { TransportError } from '../../main/engine/transports/transport';
import { type EventName, type EventPayloads, type RequestInput, requests } from '../../shared/contract';
import type { Account, AccountKind } from '../../shared/domain';
import { campaignSettings } from '../helpers/context';
import { limits } from '../helpers/limits';
import { MemorySecrets } from '../helpers/memory-secrets';
import { recordOutcome } from '../helpers/outcomes';
import { type FaultServer, startFaultServer } from '../helpers/smtp-fault-server';
import { tmpDir } from '../helpers/tmp';

const USER = 'mailer@example.test';
const PASS = 'Sup3r-Secret-App-Password';

/** The in-memory keychain; `failSet` plays a keychain that refuses writes. */
class FailableSecrets extends MemorySecrets {
  failSet = false;
  override async set(key: string, value: string) {
    if (this.failSet) throw new AppError('keychain_unavailable', 'The system keychain is not available.');
    return super.set(key, value);
  }
}

class RecordingHub extends EventHub {
  emitted: [EventName, unknown][] = [];
  override emit<E extends EventName>(event: E, payload: EventPayloads[E]): void {
    this.emitted.push([event, payload]);
    super.emit(event, payload);
  }
}

let server: FaultServer;
beforeAll(async () => {
  server = await startFaultServer({ auth: { user: USER, pass: PASS } });
});
afterAll(async () => {
  await server.close();
});

const stores: Store[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
  server.authFails = false;
});

function setup() {
  const dataDir = tmpDir();
  const dbFile = path.join(dataDir, 'db.sqlite');
  const store = openStore(dbFile);
  stores.push(store);
  const secrets = new FailableSecrets();
  const hub = new RecordingHub(systemClock);
  let wakes = 0;
  const ctx: EngineContext = {
    dataDir,
    store,
    hub,
    clock: systemClock,
    random: Math.random,
    secrets,
    log: silentLogger,
    files: new FileRegistry(),
    wake: () => {
      wakes++;
    },
    activity: (level, message, refs) => {
      store.activity.add({
        at: Date.now(),
        level,
        message,
        campaignId: refs?.campaignId ?? null,
        accountId: refs?.accountId ?? null,
      });
    },
  };
  const forgotten: number[] = [];
  const h = accountHandlers(ctx, {
    transportFor: async (a: Account) => {
      if (a.kind === 'outbox') {
        return createOutboxTransport({ dir: path.join(dataDir, 'outbox'), store, now: Date.now });
      }
      if (a.kind !== 'smtp') throw new Error('not used here');
      return createSmtpTransport(a.smtp, await secrets.get(accountSecretKey(a.id)), { pool: false });
    },
    forget: (id) => {
      forgotten.push(id);
    },
  });
  // Inputs go through the contract's schema, as the dispatcher does.
  const call = async <N extends keyof typeof h>(name: N, raw: RequestInput<N>) => {
    const handler = h[name] as (input: unknown) => unknown;
    return handler(requests[name].input.parse(raw)) as Promise<Awaited<ReturnType<(typeof h)[N]>>>;
  };
  return { ctx, store, secrets, hub, dbFile, dataDir, call, wakes: () => wakes, forgotten };
}

function smtpInput(over: Partial<RequestInput<'accounts.addSmtp'>> = {}): RequestInput<'accounts.addSmtp'> {
  return {
    label: 'Newsletter',
    fromName: 'Team',
    fromAddress: USER,
    preset: 'custom',
    smtp: { host: '127.0.0.1', port: server.port, security: 'none', username: USER, timeoutMs: 5_000 },
    password: PASS,
    ...over,
  };
}

async function appError(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

/** The database and its write-ahead log, as bytes: a secret must be in neither. */
function dbBytes(dbFile: string): string {
  return [dbFile, `${dbFile}-wal`]
    .filter((f) => fs.existsSync(f))
    .map((f) => fs.readFileSync(f).toString('latin1'))
    .join('');
}

describe('the local test outbox account', () => {
  it('is created once, with its label and address, and cannot be removed but can be paused', async () => {
    const { ctx, call } = setup();
    const a = ensureOutboxAccount(ctx);
    expect(a).toMatchObject({
      kind: 'outbox',
      label: 'Local test outbox',
      fromName: 'Campaign Tray Test',
      fromAddress: 'test@campaign-tray.local',
      status: 'active',
      limits: defaultLimits('outbox'),
    });
    expect(ensureOutboxAccount(ctx).id).toBe(a.id);
    expect(await call('accounts.list', {})).toHaveLength(1);

    const err = await appError(call('accounts.remove', { id: a.id }));
    expect(err.code).toBe('conflict');
    expect((await call('accounts.setPaused', { id: a.id, paused: true })).status).toBe('paused');
    expect((await call('accounts.setPaused', { id: a.id, paused: false })).status).toBe('active');
    expect(await call('accounts.verify', { id: a.id })).toEqual({ verified: true });
    const noServer = await appError(call('accounts.update', { id: a.id, password: 'x' }));
    expect(noServer.code).toBe('invalid_input');
  });
});

describe('adding an SMTP account', () => {
  it('checks the login first, then saves the row and puts the password in the keychain only', async () => {
    const { call, secrets, dbFile, hub, wakes, store } = setup();
    const a = await call('accounts.addSmtp', smtpInput({ preset: 'sendgrid', limits: { perDay: 80 } }));
    expect(a).toMatchObject({ kind: 'smtp', preset: 'sendgrid', status: 'active', fromAddress: USER });
    if (a.kind !== 'smtp') throw new Error('smtp account expected');
    expect(a.smtp).toEqual({
      host: '127.0.0.1',
      port: server.port,
      security: 'none',
      username: USER,
      timeoutMs: 5_000,
    });
    expect(a.limits).toEqual({ ...defaultLimits('smtp', { preset: 'sendgrid' }), perDay: 80 });
    expect(secrets.map.get(accountSecretKey(a.id))).toBe(PASS);
    expect(hub.emitted).toContainEqual(['accounts.changed', { accountId: a.id }]);
    expect(wakes()).toBeGreaterThan(0);

    const everything = JSON.stringify([a, await call('accounts.list', {}), store.activity.list(undefined, 100)]);
    expect(everything).not.toContain(PASS);
    expect(dbBytes(dbFile)).not.toContain(PASS);
    expect(dbBytes(dbFile)).toContain(USER); // the check above would notice a secret in these bytes
  });

  it('Gmail by app password from a Workspace domain starts with Workspace limits', async () => {
    const { call } = setup();
    const consumer = await call('accounts.addSmtp', smtpInput({ preset: 'gmail', fromAddress: 'me@gmail.com' }));
    const workspace = await call('accounts.addSmtp', smtpInput({ preset: 'gmail', fromAddress: 'me@acme.example' }));
    expect(consumer.limits.perDay).toBe(400);
    expect(workspace.limits.perDay).toBe(1_500);
  });

  it('a wrong password is refused with auth_failed, and nothing is saved', async () => {
    const { call, secrets, store, dbFile } = setup();
    const wrong = 'Wrong-Password-123';
    const err = await appError(call('accounts.addSmtp', smtpInput({ password: wrong })));
    expect(err.code).toBe('auth_failed');
    expect(err.message).toContain('535');
    expect(err.message).toContain('app password');
    expect(err.message).not.toContain(wrong);
    expect(store.accounts.list()).toEqual([]);
    expect(secrets.map.size).toBe(0);
    expect(dbBytes(dbFile)).not.toContain(wrong);
  });

  it('an unreachable server is a network error that says what to check', async () => {
    const { call, store } = setup();
    const gone = await startFaultServer();
    const port = gone.port;
    await gone.close();
    const err = await appError(call('accounts.addSmtp', smtpInput({ smtp: { ...smtpInput().smtp, port } as never })));
    expect(err.code).toBe('network');
    expect(err.message).toContain(`127.0.0.1:${port}`);
    expect(err.message).toContain('Check the host, port and security setting.');
    expect(store.accounts.list()).toEqual([]);
  });

  it('with verify off the account is saved without contacting the server', async () => {
    const { call } = setup();
    const a = await call('accounts.addSmtp', smtpInput({ verify: false, password: 'not-checked-at-all' }));
    expect(a.id).toBeGreaterThan(0);
  });

  it('refuses bad limits, unknown presets and a password without a user name', async () => {
    const { call, store } = setup();
    const gap = await appError(call('accounts.addSmtp', smtpInput({ limits: { minGapMs: 9_000, maxGapMs: 1_000 } })));
    expect(gap.code).toBe('invalid_input');
    expect(gap.message).toMatch(/gap/);
    const reserve = await appError(call('accounts.addSmtp', smtpInput({ limits: { perDay: 10, reserve: 10 } })));
    expect(reserve.code).toBe('invalid_input');
    const preset = await appError(call('accounts.addSmtp', smtpInput({ preset: 'carrier-pigeon' })));
    expect(preset.code).toBe('invalid_input');
    const noUser = await appError(
      call('accounts.addSmtp', smtpInput({ smtp: { ...smtpInput().smtp, username: null } as never })),
    );
    expect(noUser.code).toBe('invalid_input');
    const noPass = await appError(call('accounts.addSmtp', smtpInput({ password: null })));
    expect(noPass.code).toBe('invalid_input');
    expect(store.accounts.list()).toEqual([]);
  });

  it('a relay without login is saved with no secret at all', async () => {
    const relay = await startFaultServer();
    try {
      const { call, secrets } = setup();
      const a = await call(
        'accounts.addSmtp',
        smtpInput({ password: null, smtp: { host: '127.0.0.1', port: relay.port, security: 'none', username: null } }),
      );
      expect(a.kind).toBe('smtp');
      expect(secrets.map.size).toBe(0);
    } finally {
      await relay.close();
    }
  });

  it('if the keychain refuses the password, the row is removed again', async () => {
    const { call, secrets, store } = setup();
    secrets.failSet = true;
    const err = await appError(call('accounts.addSmtp', smtpInput()));
    expect(err.code).toBe('keychain_unavailable');
    expect(store.accounts.list()).toEqual([]);
  });
});

describe('changing, checking, pausing and removing accounts', () => {
  it('update: settings merge, a new password goes to the keychain, and new credentials repair needs_reauth', async () => {
    const { call, secrets, store, dbFile, forgotten } = setup();
    const a = await call('accounts.addSmtp', smtpInput());
    const renamed = await call('accounts.update', { id: a.id, label: 'Renamed', smtp: { timeoutMs: 7_000 } });
    expect(renamed.label).toBe('Renamed');
    if (renamed.kind !== 'smtp') throw new Error('smtp account expected');
    expect(renamed.smtp).toMatchObject({ host: '127.0.0.1', port: server.port, username: USER, timeoutMs: 7_000 });
    expect(forgotten).toContain(a.id);

    store.accounts.setStatus(a.id, 'needs_reauth', '535 refused');
    const fresh = 'Brand-New-Password-456';
    const repaired = await call('accounts.update', { id: a.id, password: fresh });
    expect(repaired.status).toBe('active');
    expect(repaired.lastError).toBeNull();
    expect(secrets.map.get(accountSecretKey(a.id))).toBe(fresh);
    expect(JSON.stringify(repaired)).not.toContain(fresh);
    expect(dbBytes(dbFile)).not.toContain(fresh);

    const cleared = await appError(call('accounts.update', { id: a.id, password: null }));
    expect(cleared.code).toBe('invalid_input');
    expect(secrets.map.get(accountSecretKey(a.id))).toBe(fresh);

    // Becoming a relay without login drops the stored password.
    const relay = await call('accounts.update', { id: a.id, smtp: { username: null } });
    if (relay.kind !== 'smtp') throw new Error('smtp account expected');
    expect(relay.smtp.username).toBeNull();
    expect(secrets.map.has(accountSecretKey(a.id))).toBe(false);
    const noPassword = await appError(call('accounts.update', { id: a.id, smtp: { username: USER } }));
    expect(noPassword.code).toBe('invalid_input');

    const badGap = await appError(call('accounts.update', { id: a.id, limits: { minGapMs: 5_000, maxGapMs: 10 } }));
    expect(badGap.code).toBe('invalid_input');
    const missing = await appError(call('accounts.update', { id: 9_999, label: 'x' }));
    expect(missing.code).toBe('not_found');
  });

  it('verify: a revoked password marks the account needs_reauth, and it cannot simply be resumed', async () => {
    const { call, store } = setup();
    const a = await call('accounts.addSmtp', smtpInput());
    expect(await call('accounts.verify', { id: a.id })).toEqual({ verified: true });

    server.authFails = true;
    const err = await appError(call('accounts.verify', { id: a.id }));
    expect(err.code).toBe('auth_failed');
    expect(store.accounts.get(a.id)?.status).toBe('needs_reauth');

    const resume = await appError(call('accounts.setPaused', { id: a.id, paused: false }));
    expect(resume.code).toBe('conflict');
    expect(resume.message).toMatch(/password/);
    // Pausing keeps the more telling status.
    expect((await call('accounts.setPaused', { id: a.id, paused: true })).status).toBe('needs_reauth');

    server.authFails = false;
    await call('accounts.verify', { id: a.id });
    expect(store.accounts.get(a.id)?.status).toBe('active');
  });

  it('setPaused pauses and resumes, and says so in the activity log', async () => {
    const { call, store } = setup();
    const a = await call('accounts.addSmtp', smtpInput());
    expect((await call('accounts.setPaused', { id: a.id, paused: true })).status).toBe('paused');
    expect((await call('accounts.setPaused', { id: a.id, paused: false })).status).toBe('active');
    const log = store.activity.list(undefined, 10).map((e) => e.message);
    expect(log.some((m) => m.startsWith('Paused'))).toBe(true);
    expect(log.some((m) => m.startsWith('Resumed'))).toBe(true);
  });

  it('remove: refused while a sending campaign uses the account; otherwise history stays and the secret goes', async () => {
    const { call, store, secrets } = setup();
    const a = await call('accounts.addSmtp', smtpInput());
    const other = await call('accounts.addSmtp', smtpInput({ label: 'Other' }));
    const now = Date.now();
    const c = store.campaigns.create(campaignSettings('Spring news', { pool: [a.id, other.id] }), now);
    store.recipients.insertMany(c.id, [{ address: 'ann@example.org', addressKey: 'ann@example.org', fields: {} }], now);
    const claimed = store.recipients.claim(c.id, a.id, now, 60_000, () => '<sent-1@x>');
    if (!claimed) throw new Error('a recipient should be claimable');
    recordOutcome(store, claimed, { state: 'sent' }, now);
    store.campaigns.forceStatusForTests(c.id, 'sending', null, now);

    const busy = await appError(call('accounts.remove', { id: a.id }));
    expect(busy.code).toBe('conflict');
    expect(busy.message).toContain('Spring news');
    expect(store.accounts.get(a.id)).not.toBeNull();

    store.campaigns.forceStatusForTests(c.id, 'paused', null, now);
    expect(await call('accounts.remove', { id: a.id })).toEqual({ removed: true });
    expect(store.accounts.get(a.id)).toBeNull();
    expect(await call('accounts.list', {})).toEqual([expect.objectContaining({ id: other.id })]);
    expect(secrets.map.has(accountSecretKey(a.id))).toBe(false);
    expect(secrets.map.has(accountSecretKey(other.id))).toBe(true);
    expect(store.campaigns.get(c.id)?.pool).toEqual([other.id]);
    // The sent row still names the account that sent it, and the export still says which one.
    const r = store.recipients.get(claimed.id);
    expect(r).toMatchObject({ state: 'sent', messageId: '<sent-1@x>', accountId: a.id });
    expect(store.accounts.withRemoved(a.id)).toMatchObject({ label: a.label, removedAt: expect.any(Number) });
    const listed = await call('accounts.list', { includeRemoved: true });
    expect(listed.find((x) => x.id === a.id)).toMatchObject({ removedAt: expect.any(Number) });

    const again = await appError(call('accounts.remove', { id: a.id }));
    expect(again.code).toBe('not_found');
  });
});

describe('presets and default limits', () => {
  it('starts a custom server from the default limits in the settings, and shows them in the preset', async () => {
    const { call, ctx } = setup();
    const settings = settingsHandlers(ctx);
    const defaults = limits({ perMinute: 7, perHour: 70, perDay: 700, reserve: 10 });
    settings['settings.update'](requests['settings.update'].input.parse({ defaultLimits: defaults }));
    const custom = (await call('accounts.presets', {})).find((p) => p.id === 'custom')!;
    expect(custom.limits).toEqual(defaults);
    const a = await call('accounts.addSmtp', smtpInput());
    expect(a.limits).toEqual(defaults);
    // A provider's preset keeps its own limits.
    const gmail = (await call('accounts.presets', {})).find((p) => p.id === 'gmail')!;
    expect(gmail.limits.perDay).toBeLessThanOrEqual(500);
    // The defaults are checked like an account's own limits.
    expect(() =>
      settings['settings.update'](requests['settings.update'].input.parse({ defaultLimits: { reserve: 700 } })),
    ).toThrow(/reserve/);
  });

  it('lists every provider once, custom included', async () => {
    const { call } = setup();
    const ids = (await call('accounts.presets', {})).map((p) => p.id);
    for (const id of [
      'gmail',
      'outlook',
      'icloud',
      'yahoo',
      'zoho',
      'fastmail',
      'ses',
      'sendgrid',
      'mailgun',
      'postmark',
      'brevo',
      'custom',
    ]) {
      expect(ids).toContain(id);
    }
    expect(new Set(ids).size).toBe(ids.length);
  });

  for (const p of SMTP_PRESETS) {
    it(`${p.id}: limits are coherent and the note is one line`, () => {
      const l = p.limits;
      expect(l.minGapMs).toBeLessThanOrEqual(l.maxGapMs);
      expect(l.perMinute).toBeLessThanOrEqual(l.perHour);
      expect(l.perHour).toBeLessThanOrEqual(l.perDay);
      expect(l.reserve).toBeLessThan(l.perDay);
      expect(l.maxConcurrent).toBeGreaterThanOrEqual(1);
      expect(l.maxConcurrent).toBeLessThanOrEqual(2);
      expect(p.note).not.toContain('\n');
      expect(p.note.length).toBeGreaterThan(10);
      // The contract's own bounds for a limits patch.
      expect(requests['accounts.update'].input.safeParse({ id: 1, limits: l }).success).toBe(true);
    });
  }

  const published: [string, number][] = [
    ['gmail', 500],
    ['outlook', 300],
    ['icloud', 1_000],
    ['ses', 200],
    ['sendgrid', 100],
    ['mailgun', 100],
    ['brevo', 300],
  ];
  for (const [id, cap] of published) {
    it(`${id} plans below its published daily cap of ${cap}`, () => {
      const p = SMTP_PRESETS.find((x) => x.id === id);
      expect(p?.limits.perDay).toBeLessThanOrEqual(cap);
    });
  }

  it('SES points at a regional host and says to change the region', () => {
    const ses = SMTP_PRESETS.find((p) => p.id === 'ses');
    expect(ses?.host).toMatch(/^email-smtp\.[a-z0-9-]+\.amazonaws\.com$/);
    expect(ses?.note).toMatch(/region/);
  });

  const kinds: {
    kind: AccountKind;
    opts?: { preset?: string; workspace?: boolean };
    expect: Record<string, number>;
  }[] = [
    { kind: 'gmail', expect: { perDay: 400, perMinute: 20, minGapMs: 3_000, maxGapMs: 8_000, reserve: 40 } },
    { kind: 'gmail', opts: { workspace: true }, expect: { perDay: 1_500, perMinute: 30, reserve: 150 } },
    { kind: 'outbox', expect: { minGapMs: 0, maxGapMs: 0, reserve: 0, maxConcurrent: 4 } },
    { kind: 'smtp', opts: { preset: 'gmail' }, expect: { perDay: 400, perMinute: 20 } },
    { kind: 'smtp', opts: { preset: 'gmail', workspace: true }, expect: { perDay: 1_500, perMinute: 30 } },
    { kind: 'smtp', opts: { preset: 'sendgrid', workspace: true }, expect: { perDay: 100, reserve: 0 } },
    { kind: 'smtp', opts: { preset: 'no-such-preset' }, expect: { perDay: 200, reserve: 0 } },
    { kind: 'smtp', expect: { perDay: 200, reserve: 0 } },
  ];
  for (const k of kinds) {
    it(`defaultLimits(${k.kind}, ${JSON.stringify(k.opts ?? {})})`, () => {
      const l = defaultLimits(k.kind, k.opts);
      expect(l).toMatchObject(k.expect);
      expect(l.perMinute).toBeLessThanOrEqual(k.kind === 'gmail' ? 50 : 10_000);
      expect(l.perHour).toBeGreaterThanOrEqual(l.perMinute);
      expect(l.perDay).toBeGreaterThanOrEqual(l.perHour);
    });
  }

  it('defaultLimits returns a copy the caller may change', () => {
    const l = defaultLimits('gmail');
    l.perDay = 1;
    expect(defaultLimits('gmail').perDay).toBe(400);
  });

  const addresses: [string, boolean][] = [
    ['someone@gmail.com', true],
    ['Someone@GMail.COM', true],
    ['old@googlemail.com', true],
    ['boss@acme.example', false],
    ['x@gmail.com.evil.example', false],
    ['not-an-address', false],
    ['a@sub.gmail.com', false],
  ];
  for (const [address, consumer] of addresses) {
    it(`isConsumerGmail(${address}) = ${consumer}`, () => {
      expect(isConsumerGmail(address)).toBe(consumer);
    });
  }
});

describe('failures that are not a login problem', () => {
  it('a transport that cannot be built (no stored password) is reported without a stack', async () => {
    const { ctx, call } = setup();
    const a = await call('accounts.addSmtp', smtpInput());
    const h = accountHandlers(ctx, {
      transportFor: async () => {
        throw new TransportError({ source: 'config', message: 'No password is stored for Newsletter.' });
      },
    });
    const err = await appError(Promise.resolve(h['accounts.verify']({ id: a.id })));
    expect(err.code).toBe('conflict');
    expect(err.message).toBe('No password is stored for Newsletter.');
  });
});
