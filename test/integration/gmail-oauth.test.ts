import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gmailHandlers } from '../../main/engine/api/gmail-api';
import type { Handlers } from '../../main/engine/api/handlers';
import { systemClock } from '../../main/engine/clock';
import type { EngineContext } from '../../main/engine/context';
import { EventHub } from '../../main/engine/events/hub';
import { FileRegistry } from '../../main/engine/files/registry';
import { startConsent } from '../../main/engine/gmail/oauth';
import { loadTokens } from '../../main/engine/gmail/tokens';
import { createLogger } from '../../main/engine/log';
import { accountSecretKey, GMAIL_CLIENT_KEY } from '../../main/engine/secrets/secret-store';
import { openStore, type Store } from '../../main/engine/store';
import { createGmailTransport } from '../../main/engine/transports/gmail';
import { defaultLimits } from '../../main/engine/transports/presets';
import { createDispatcher } from '../../main/rpc/dispatch';
import type { EventName, EventPayloads } from '../../shared/contract';
import { FAKE_CLIENT_ID, FAKE_CLIENT_SECRET, type FakeGoogle, startFakeGoogle } from '../helpers/fake-google';
import { MemorySecrets } from '../helpers/memory-secrets';
import { tmpDir } from '../helpers/tmp';

const client = { clientId: FAKE_CLIENT_ID, clientSecret: FAKE_CLIENT_SECRET };

/** Plays the browser: opens the consent URL at the fake Google and follows its redirect. */
async function consent(authUrl: string) {
  const atGoogle = await fetch(authUrl, { redirect: 'manual' });
  expect(atGoogle.status).toBe(302);
  const location = atGoogle.headers.get('location');
  if (!location) throw new Error('Google did not redirect');
  const page = await fetch(location);
  return { location, status: page.status, html: await page.text() };
}

/** Resolves true when nothing listens any more (connection refused). */
async function refused(url: string): Promise<boolean> {
  return fetch(url).then(
    () => false,
    (e: unknown) => (e as { cause?: { code?: string } }).cause?.code === 'ECONNREFUSED',
  );
}

describe('Google consent on a loopback listener', () => {
  let fake: FakeGoogle;
  beforeEach(async () => {
    fake = await startFakeGoogle({ email: 'ann@gmail.com' });
  });
  afterEach(async () => {
    await fake.close();
  });

  it('asks for offline access with PKCE S256, a random state and only the three scopes', async () => {
    const a = await startConsent({ client, endpoints: fake.endpoints, loginHint: 'ann@gmail.com' });
    const b = await startConsent({ client, endpoints: fake.endpoints });
    const q = new URL(a.authUrl).searchParams;
    expect(a.authUrl.startsWith(fake.endpoints.authUrl)).toBe(true);
    expect(q.get('access_type')).toBe('offline');
    expect(q.get('prompt')).toBe('consent');
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('scope')?.split(' ').sort()).toEqual([
      'email',
      'https://www.googleapis.com/auth/gmail.send',
      'openid',
    ]);
    expect(q.get('login_hint')).toBe('ann@gmail.com');
    expect(q.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    const qb = new URL(b.authUrl).searchParams;
    expect(qb.get('state')).not.toBe(q.get('state'));
    expect(qb.get('code_challenge')).not.toBe(q.get('code_challenge'));
    expect(qb.get('redirect_uri')).not.toBe(q.get('redirect_uri'));
    a.cancel();
    b.cancel();
    expect(await a.outcome).toMatchObject({ status: 'cancelled' });
  });

  it('exchanges the code with the verifier, reads the address from the ID token, then stops listening', async () => {
    const flow = await startConsent({ client, endpoints: fake.endpoints });
    const page = await consent(flow.authUrl);
    expect(page.status).toBe(200);
    expect(page.html).toContain('You can close this tab');
    const outcome = await flow.outcome;
    expect(outcome).toMatchObject({ status: 'connected', email: 'ann@gmail.com', name: null });
    if (outcome.status !== 'connected') throw new Error('not connected');
    expect(outcome.tokens.refreshToken).toBe(fake.state.issued.refreshTokens[0]);
    expect(outcome.tokens.accessToken).toBe(fake.state.issued.accessTokens[0]);
    expect(outcome.tokens.expiryDate).toBeGreaterThan(Date.now());
    expect(outcome.tokens.scope).toContain('https://www.googleapis.com/auth/gmail.send');
    expect(fake.state.tokenRequests[0]?.get('code_verifier')).toMatch(/^[A-Za-z0-9_-]{43,128}$/);
    expect(fake.state.userinfoRequests).toBe(0);
    // Exactly one callback: the listener is gone.
    expect(await refused(page.location)).toBe(true);
  });

  it('refuses an answer with the wrong state, never exchanges it, and still takes the real one', async () => {
    const flow = await startConsent({ client, endpoints: fake.endpoints });
    const atGoogle = await fetch(flow.authUrl, { redirect: 'manual' });
    const location = new URL(atGoogle.headers.get('location') ?? '');
    const forged = new URL(location);
    forged.searchParams.set('state', 'forged-state');
    forged.searchParams.set('code', 'attacker-code');
    const page = await fetch(forged);
    expect(page.status).toBe(400);
    expect(await page.text()).toContain('state mismatch');
    expect(fake.state.tokenRequests).toHaveLength(0);
    // A stray request does not end the attempt: the genuine answer still connects.
    const real = await fetch(location);
    expect(real.status).toBe(200);
    expect(await flow.outcome).toMatchObject({ status: 'connected', email: 'ann@gmail.com' });
    expect(fake.state.tokenRequests).toHaveLength(1);
    expect(fake.state.tokenRequests[0]?.get('code')).not.toBe('attacker-code');
    expect(await refused(location.href)).toBe(true);
  });

  it('fails with a clear message when the user denies consent', async () => {
    fake.script({ consent: 'deny' });
    const flow = await startConsent({ client, endpoints: fake.endpoints });
    const page = await consent(flow.authUrl);
    expect(new URL(page.location).searchParams.get('error')).toBe('access_denied');
    expect(page.status).toBe(400);
    expect(page.html).toContain('access_denied');
    const outcome = await flow.outcome;
    expect(outcome).toMatchObject({ status: 'failed', message: expect.stringContaining('choose Allow') });
    expect(fake.state.tokenRequests).toHaveLength(0);
  });

  it('fails when the user unticks the send permission', async () => {
    fake.script({ consent: 'allow', withoutSend: true });
    const flow = await startConsent({ client, endpoints: fake.endpoints });
    await consent(flow.authUrl);
    expect(await flow.outcome).toMatchObject({
      status: 'failed',
      message: expect.stringContaining('Send email on your behalf'),
    });
  });

  it('reports a code the token endpoint refuses (a verifier mismatch burns the code)', async () => {
    const flow = await startConsent({ client, endpoints: fake.endpoints });
    const atGoogle = await fetch(flow.authUrl, { redirect: 'manual' });
    const location = atGoogle.headers.get('location') ?? '';
    const code = new URL(location).searchParams.get('code') ?? '';
    // Someone who intercepted the code cannot redeem it without the verifier…
    const stolen = await fetch(fake.endpoints.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        client_id: client.clientId,
        client_secret: client.clientSecret,
        redirect_uri: new URL(flow.authUrl).searchParams.get('redirect_uri') ?? '',
        code_verifier: 'a'.repeat(43),
      }),
    });
    expect(stolen.status).toBe(400);
    expect(await stolen.json()).toEqual({ error: 'invalid_grant', error_description: 'Invalid code verifier.' });
    // …and the app then reports Google's refusal instead of hanging.
    const page = await fetch(location);
    expect(page.status).toBe(400);
    expect(await flow.outcome).toMatchObject({ status: 'failed', message: expect.stringContaining('invalid_grant') });
  });

  it('times out when the browser never comes back, and stops listening', async () => {
    const started = Date.now();
    const flow = await startConsent({ client, endpoints: fake.endpoints, timeoutMs: 1000 });
    const outcome = await flow.outcome;
    expect(outcome).toMatchObject({ status: 'timeout', message: expect.stringContaining('1 second') });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(await refused(new URL(flow.authUrl).searchParams.get('redirect_uri') ?? '')).toBe(true);
  });
});

describe('gmail.* requests', () => {
  let fake: FakeGoogle;
  let dir: string;
  let store: Store;
  let secrets: MemorySecrets;
  let hub: EventHub;
  let logLines: string[];
  let events: { event: EventName; payload: unknown }[];
  let results: unknown[];
  let opened: string[];
  let wakes: number;
  let call: (name: string, input: unknown) => Promise<unknown>;

  beforeEach(async () => {
    fake = await startFakeGoogle({ email: 'ann@gmail.com' });
    dir = tmpDir();
    store = openStore(path.join(dir, 'db.sqlite'));
    secrets = new MemorySecrets();
    hub = new EventHub(systemClock, 0);
    logLines = [];
    events = [];
    results = [];
    opened = [];
    wakes = 0;
    hub.subscribe((event, payload) => events.push({ event, payload }));
    const log = createLogger((l) => logLines.push(l));
    const ctx: EngineContext = {
      dataDir: dir,
      store,
      hub,
      clock: systemClock,
      random: Math.random,
      secrets,
      log,
      files: new FileRegistry(),
      wake: () => {
        wakes++;
      },
      activity(level, message, refs) {
        log.info(`activity ${level} ${message}`);
        const entry = store.activity.add({
          at: Date.now(),
          level,
          message,
          campaignId: refs?.campaignId ?? null,
          accountId: refs?.accountId ?? null,
        });
        hub.emit('activity', entry);
      },
    };
    const handlers = gmailHandlers(ctx, { endpoints: fake.endpoints, openExternal: (u) => opened.push(u) });
    const dispatch = createDispatcher(handlers as unknown as Handlers, log);
    call = async (name, input) => {
      const r = await dispatch(name, input);
      results.push(r);
      return r;
    };
  });
  afterEach(async () => {
    store.close();
    hub.close();
    await fake.close();
  });

  function nextConnectEvent(): Promise<EventPayloads['gmail.connect']> {
    return new Promise((resolve) => {
      const off = hub.subscribe((event, payload) => {
        if (event !== 'gmail.connect') return;
        off();
        resolve(payload as EventPayloads['gmail.connect']);
      });
    });
  }

  async function connect(input: { reconnectAccountId?: number } = {}) {
    const r = (await call('gmail.connect', input)) as { ok: true; value: { flowId: string; authUrl: string } };
    expect(r.ok).toBe(true);
    return r.value;
  }

  it('refuses to connect before an OAuth client is set, and says what to do', async () => {
    expect(await call('gmail.connect', {})).toEqual({
      ok: false,
      error: {
        code: 'conflict',
        message: 'Add your Google Cloud OAuth client (Settings → Gmail) first; docs/gmail.md shows how.',
      },
    });
    expect(await call('gmail.getClient', {})).toEqual({ ok: true, value: { configured: false, clientId: null } });
  });

  it('stores the client secret in the keychain only, and the client ID for display', async () => {
    const bad = (await call('gmail.setClient', { clientId: 'my-project', clientSecret: 'x' })) as {
      ok: false;
      error: { code: string; message: string };
    };
    expect(bad.error.code).toBe('invalid_input');
    expect(bad.error.message).toContain('.apps.googleusercontent.com');

    expect(
      await call('gmail.setClient', { clientId: ` ${FAKE_CLIENT_ID} `, clientSecret: FAKE_CLIENT_SECRET }),
    ).toEqual({
      ok: true,
      value: { configured: true },
    });
    expect(JSON.parse(secrets.map.get(GMAIL_CLIENT_KEY) ?? '{}')).toEqual(client);
    expect(await call('gmail.getClient', {})).toEqual({
      ok: true,
      value: { configured: true, clientId: FAKE_CLIENT_ID },
    });
  });

  it('connects an account end to end, sends through it, and never lets a token out', async () => {
    await call('gmail.setClient', client);
    const connected = nextConnectEvent();
    const { flowId, authUrl } = await connect();
    expect(opened).toEqual([authUrl]);
    const page = await consent(authUrl);
    expect(page.html).toContain('ann@gmail.com is connected');

    const ev = await connected;
    expect(ev).toMatchObject({ flowId, status: 'connected', message: null });
    const account = ev.account;
    expect(account).toMatchObject({
      kind: 'gmail',
      label: 'ann@gmail.com',
      fromName: '',
      fromAddress: 'ann@gmail.com',
      gmail: { workspace: false },
      status: 'active',
      limits: defaultLimits('gmail', { workspace: false }),
    });
    if (!account) throw new Error('no account');
    expect(store.accounts.list()).toHaveLength(1);
    expect(wakes).toBe(1);
    expect(events.some((e) => e.event === 'accounts.changed')).toBe(true);
    expect(store.activity.list(undefined, 10)[0]?.message).toBe('Connected Gmail account ann@gmail.com');

    const tokens = await loadTokens(secrets, account.id);
    expect(tokens?.refreshToken).toBe(fake.state.issued.refreshTokens[0]);

    // The stored grant sends, after a forced refresh on the way.
    fake.expireAccessTokens();
    const transport = createGmailTransport({ client, accountId: account.id, secrets, endpoints: fake.endpoints });
    const raw = Buffer.from(
      'From: ann@gmail.com\r\nTo: bob@example.org\r\nSubject: Hi\r\nMessage-ID: <1@x>\r\n\r\nHi Bob\r\n',
    );
    await transport.send({
      raw,
      envelope: { from: 'ann@gmail.com', to: ['bob@example.org'] },
      messageId: '<1@x>',
      meta: { campaignId: null, recipientId: null, subject: 'Hi' },
    });
    expect(fake.state.sent[0]?.raw.equals(raw)).toBe(true);
    await transport.close();

    // No token or client secret in the database file, its WAL, the log, events or request results.
    store.close();
    const secretsToFind = [
      ...fake.state.issued.accessTokens,
      ...fake.state.issued.refreshTokens,
      ...fake.state.issued.idTokens,
      FAKE_CLIENT_SECRET,
    ];
    expect(secretsToFind.length).toBeGreaterThanOrEqual(5);
    const files = fs.readdirSync(dir).filter((f) => f.startsWith('db.sqlite'));
    const bytes = files.map((f) => fs.readFileSync(path.join(dir, f)).toString('latin1')).join('\n');
    expect(bytes).toContain('ann@gmail.com'); // the search does read the data
    const texts = [bytes, logLines.join('\n'), JSON.stringify(events), JSON.stringify(results), page.html];
    for (const s of secretsToFind) for (const t of texts) expect(t.includes(s)).toBe(false);
    expect(secrets.map.get(accountSecretKey(account.id))).toContain(fake.state.issued.refreshTokens[0]);
    store = openStore(path.join(dir, 'db.sqlite'));
  });

  it('updates the tokens of an address already connected and revives it from needs_reauth', async () => {
    await call('gmail.setClient', client);
    let ev = nextConnectEvent();
    await consent((await connect()).authUrl);
    const first = (await ev).account;
    if (!first) throw new Error('no account');
    store.accounts.setStatus(first.id, 'needs_reauth', 'invalid_grant: Token has been expired or revoked.');
    store.accounts.coolDownForTests(first.id, Date.now() + 3_600_000, 'x', true);

    ev = nextConnectEvent();
    await consent((await connect()).authUrl);
    const again = await ev;
    expect(again.status).toBe('connected');
    expect(again.account?.id).toBe(first.id);
    expect(store.accounts.list()).toHaveLength(1);
    expect(store.accounts.get(first.id)).toMatchObject({ status: 'active', cooldownUntil: null, lastError: null });
    expect((await loadTokens(secrets, first.id))?.refreshToken).toBe(fake.state.issued.refreshTokens[1]);
    expect(wakes).toBe(2);
  });

  it('reconnects a given account only with its own address', async () => {
    await call('gmail.setClient', client);
    let ev = nextConnectEvent();
    await consent((await connect()).authUrl);
    const account = (await ev).account;
    if (!account) throw new Error('no account');
    const tokensBefore = secrets.map.get(accountSecretKey(account.id));

    fake.script({ consent: 'allow', email: 'someone.else@example.com' });
    ev = nextConnectEvent();
    const { authUrl } = await connect({ reconnectAccountId: account.id });
    expect(new URL(authUrl).searchParams.get('login_hint')).toBe('ann@gmail.com');
    await consent(authUrl);
    const refused = await ev;
    expect(refused).toMatchObject({ status: 'failed', account: null });
    expect(refused.message).toContain('someone.else@example.com');
    expect(refused.message).toContain('ann@gmail.com');
    expect(secrets.map.get(accountSecretKey(account.id))).toBe(tokensBefore);
    expect(store.accounts.list()).toHaveLength(1);

    ev = nextConnectEvent();
    await consent((await connect({ reconnectAccountId: account.id })).authUrl);
    expect(await ev).toMatchObject({ status: 'connected', account: { id: account.id } });
  });

  it('marks a Workspace address as such, and refuses to reconnect an unknown account', async () => {
    await call('gmail.setClient', client);
    fake.script({ consent: 'allow', email: 'team@acme.example' });
    const ev = nextConnectEvent();
    await consent((await connect()).authUrl);
    expect((await ev).account).toMatchObject({
      gmail: { workspace: true },
      limits: defaultLimits('gmail', { workspace: true }),
    });
    expect(await call('gmail.connect', { reconnectAccountId: 999 })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });

  it('cancels a pending flow on request and reports it', async () => {
    await call('gmail.setClient', client);
    const ev = nextConnectEvent();
    const { flowId, authUrl } = await connect();
    expect(await call('gmail.cancelConnect', { flowId })).toEqual({ ok: true, value: { cancelled: true } });
    expect(await ev).toMatchObject({ flowId, status: 'cancelled', account: null });
    expect(await refused(new URL(authUrl).searchParams.get('redirect_uri') ?? '')).toBe(true);
    expect(await call('gmail.cancelConnect', { flowId })).toEqual({ ok: true, value: { cancelled: false } });
    expect(store.accounts.list()).toHaveLength(0);
  });
});
