// A loopback stand-in for Google's OAuth 2.0 endpoints and the Gmail send call, answering the
// way Google documents them (request checks, status codes, JSON error bodies), so the real
// google-auth-library and @googleapis/gmail clients run against it unchanged.
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GoogleEndpoints } from '../../main/engine/gmail/endpoints';

export const FAKE_CLIENT_ID = '1234567890-fake.apps.googleusercontent.com';
export const FAKE_CLIENT_SECRET = 'GOCSPX-fake-client-secret';
const SEND_SCOPE = 'https://www.googleapis.com/auth/gmail.send';
const READ_SCOPE = 'https://www.googleapis.com/auth/gmail.readonly';
const EXPECTED_SCOPES = ['email', 'openid', SEND_SCOPE].sort();
/** Turning feedback on asks for the read scope on top (incremental authorization). */
const WITH_READ_SCOPES = [...EXPECTED_SCOPES, READ_SCOPE].sort();

export interface FakeGoogleOptions {
  clientId?: string;
  clientSecret?: string;
  /** The Google account that signs in unless a consent step says otherwise. */
  email?: string;
  /** Put in the ID token when set (Google adds it only with the profile scope). */
  name?: string;
  accessTokenTtlSec?: number;
}

export type SendFailure =
  | 'rateLimit'
  | 'mailLimit'
  | 'dailyLimit'
  | 'invalidTo'
  | 'serverError'
  | 'unauthorized'
  /** Google sends the message, then the connection breaks before the answer arrives. */
  | 'lostAnswer';

/** One-shot behaviours, used in order per endpoint. */
export type ScriptStep =
  | { consent: 'deny' }
  | { consent: 'allow'; email?: string; withoutSend?: boolean; withoutRead?: boolean }
  | { refresh: 'invalid_grant' }
  | { send: SendFailure; retryAt?: string; retryAfter?: string };

/** A message in the fake account's mailbox, as users.messages.list/get serve it. */
export interface MailboxItem {
  id: string;
  threadId: string;
  raw: Buffer;
  /** ms since the epoch, as Gmail's internalDate. */
  internalDate: number;
  labelIds: string[];
}

export interface SentMessage {
  id: string;
  /** The decoded RFC 5322 bytes. */
  raw: Buffer;
  email: string;
  accessToken: string;
}

interface CodeGrant {
  clientId: string;
  redirectUri: string;
  challenge: string;
  scope: string;
  email: string;
}

export interface FakeGoogleState {
  clientId: string;
  clientSecret: string;
  email: string;
  authRequests: URLSearchParams[];
  /** Why an auth request was refused (Google shows an error page, no redirect). */
  authErrors: string[];
  tokenRequests: URLSearchParams[];
  /** Every POST to the revocation endpoint, form fields as sent. */
  revokeRequests: URLSearchParams[];
  userinfoRequests: number;
  sendAttempts: number;
  sent: SentMessage[];
  /** Each account's inbox; `deliver()` adds to it. */
  mailbox: Map<string, MailboxItem[]>;
  /** users.messages.list queries as received. */
  listQueries: string[];
  /** format= of each users.messages.get, to prove bodies are fetched only for candidates. */
  getFormats: string[];
  /** Every token string ever handed out, to prove none leaks anywhere. */
  issued: { accessTokens: string[]; refreshTokens: string[]; idTokens: string[] };
  codes: Map<string, CodeGrant>;
  accessTokens: Map<string, { email: string; expiresAt: number; scope: string }>;
  refreshTokens: Map<string, { email: string; scope: string }>;
}

export interface FakeGoogle {
  endpoints: GoogleEndpoints;
  state: FakeGoogleState;
  script(step: ScriptStep): void;
  /** Google-side expiry of every access token handed out so far (the next send gets 401). */
  expireAccessTokens(): void;
  /** Puts a message into an account's inbox (default: the fake's account), as delivered mail. */
  deliver(raw: Buffer | string, opts?: { email?: string; internalDate?: number }): MailboxItem;
  /** A token set as a completed consent would leave it, for tests that start after connecting. */
  mint(
    email?: string,
    opts?: { expiresInSec?: number; read?: boolean },
  ): {
    refreshToken: string;
    accessToken: string;
    expiryDate: number;
    scope: string;
  };
  close(): Promise<void>;
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');
const token = (prefix: string) => `${prefix}${randomBytes(24).toString('base64url')}`;

function googleError(code: number, status: string, message: string, reason: string, domain = 'global') {
  return { error: { code, message, errors: [{ message, domain, reason }], status } };
}

export async function startFakeGoogle(opts: FakeGoogleOptions = {}): Promise<FakeGoogle> {
  const state: FakeGoogleState = {
    clientId: opts.clientId ?? FAKE_CLIENT_ID,
    clientSecret: opts.clientSecret ?? FAKE_CLIENT_SECRET,
    email: opts.email ?? 'sender@example.com',
    authRequests: [],
    authErrors: [],
    tokenRequests: [],
    revokeRequests: [],
    userinfoRequests: 0,
    sendAttempts: 0,
    sent: [],
    mailbox: new Map(),
    listQueries: [],
    getFormats: [],
    issued: { accessTokens: [], refreshTokens: [], idTokens: [] },
    codes: new Map(),
    accessTokens: new Map(),
    refreshTokens: new Map(),
  };
  const ttl = opts.accessTokenTtlSec ?? 3599;
  const consentSteps: Extract<ScriptStep, { consent: unknown }>[] = [];
  const refreshSteps: Extract<ScriptStep, { refresh: unknown }>[] = [];
  const sendSteps: Extract<ScriptStep, { send: unknown }>[] = [];

  function grantedScope(withoutSend = false, read = false) {
    // Google reports the email scope by its long name.
    return [
      'openid',
      'https://www.googleapis.com/auth/userinfo.email',
      ...(withoutSend ? [] : [SEND_SCOPE]),
      ...(read ? [READ_SCOPE] : []),
    ].join(' ');
  }

  function issueAccess(email: string, ttlSec = ttl, scope = grantedScope()) {
    const t = token('ya29.fake-');
    state.accessTokens.set(t, { email, expiresAt: Date.now() + ttlSec * 1000, scope });
    state.issued.accessTokens.push(t);
    return t;
  }

  function idToken(email: string) {
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = {
      iss: 'https://accounts.google.com',
      azp: state.clientId,
      aud: state.clientId,
      sub: createHash('sha256').update(email).digest('hex').slice(0, 21),
      email,
      email_verified: true,
      iat: now,
      exp: now + 3600,
    };
    if (opts.name) claims.name = opts.name;
    // Well formed, with a signature segment that no key verifies.
    const jwt = [
      b64url(JSON.stringify({ alg: 'RS256', kid: 'fake-key', typ: 'JWT' })),
      b64url(JSON.stringify(claims)),
      b64url(randomBytes(256)),
    ].join('.');
    state.issued.idTokens.push(jwt);
    return jwt;
  }

  function bearer(req: http.IncomingMessage): { token: string; email: string; scope: string } | null {
    const m = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    const t = m?.[1];
    const known = t ? state.accessTokens.get(t) : undefined;
    if (!t || !known || known.expiresAt <= Date.now()) return null;
    return { token: t, email: known.email, scope: known.scope };
  }

  // ---- GET /o/oauth2/v2/auth ----

  function auth(url: URL, res: http.ServerResponse) {
    const q = url.searchParams;
    state.authRequests.push(q);
    const refuse = (error: string, detail: string) => {
      state.authErrors.push(`${error}: ${detail}`);
      res.writeHead(400, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><title>Error 400: ${error}</title><p>Access blocked: ${detail}</p>`);
    };
    if (q.get('client_id') !== state.clientId) return refuse('invalid_client', 'The OAuth client was not found.');
    let redirect: URL;
    try {
      redirect = new URL(q.get('redirect_uri') ?? '');
    } catch {
      return refuse('invalid_request', 'Missing required parameter: redirect_uri');
    }
    if (redirect.protocol !== 'http:' || !['127.0.0.1', 'localhost', '[::1]'].includes(redirect.hostname)) {
      return refuse('redirect_uri_mismatch', 'Desktop clients must redirect to a loopback address.');
    }
    if (q.get('response_type') !== 'code') return refuse('unsupported_response_type', 'response_type must be code');
    const scopes = (q.get('scope') ?? '').split(' ').filter(Boolean).sort();
    const wantsRead = scopes.join(' ') === WITH_READ_SCOPES.join(' ');
    if (scopes.join(' ') !== EXPECTED_SCOPES.join(' ') && !wantsRead)
      return refuse('invalid_scope', `Unexpected scopes: ${scopes.join(' ')}`);
    if (wantsRead && q.get('include_granted_scopes') !== 'true')
      return refuse('invalid_request', 'Incremental authorization needs include_granted_scopes=true');
    if (q.get('code_challenge_method') !== 'S256')
      return refuse('invalid_request', 'code_challenge_method must be S256');
    const challenge = q.get('code_challenge') ?? '';
    if (!/^[A-Za-z0-9_-]{43}$/.test(challenge)) return refuse('invalid_request', 'Invalid code_challenge');
    if (q.get('access_type') !== 'offline') return refuse('invalid_request', 'access_type must be offline');

    const back = new URL(redirect);
    const state_ = q.get('state');
    if (state_ !== null) back.searchParams.set('state', state_);
    const step = consentSteps.shift() ?? { consent: 'allow' as const };
    if (step.consent === 'deny') {
      back.searchParams.set('error', 'access_denied');
    } else {
      const code = `4/0${randomBytes(30).toString('base64url')}`;
      const scope = grantedScope(step.withoutSend, wantsRead && !step.withoutRead);
      state.codes.set(code, {
        clientId: state.clientId,
        redirectUri: redirect.href,
        challenge,
        scope,
        email: step.email ?? state.email,
      });
      back.searchParams.set('code', code);
      back.searchParams.set('scope', scope);
    }
    res.writeHead(302, { location: back.href });
    res.end();
  }

  // ---- POST /token ----

  function tokenEndpoint(body: string, req: http.IncomingMessage, res: http.ServerResponse) {
    const json = (status: number, value: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
      res.end(JSON.stringify(value));
    };
    if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      return json(400, { error: 'invalid_request', error_description: 'Bad Request' });
    }
    const q = new URLSearchParams(body);
    state.tokenRequests.push(q);
    if (q.get('client_id') !== state.clientId || q.get('client_secret') !== state.clientSecret) {
      return json(401, { error: 'invalid_client', error_description: 'Unauthorized' });
    }
    switch (q.get('grant_type')) {
      case 'authorization_code': {
        const code = q.get('code') ?? '';
        const grant = state.codes.get(code);
        state.codes.delete(code); // single use, even when the exchange fails
        if (!grant) return json(400, { error: 'invalid_grant', error_description: 'Malformed auth code.' });
        if (q.get('redirect_uri') !== grant.redirectUri) {
          return json(400, { error: 'redirect_uri_mismatch', error_description: 'Bad Request' });
        }
        const verifier = q.get('code_verifier') ?? '';
        if (b64url(createHash('sha256').update(verifier).digest()) !== grant.challenge) {
          return json(400, { error: 'invalid_grant', error_description: 'Invalid code verifier.' });
        }
        const refresh = token('1//0fake-');
        state.refreshTokens.set(refresh, { email: grant.email, scope: grant.scope });
        state.issued.refreshTokens.push(refresh);
        return json(200, {
          access_token: issueAccess(grant.email, ttl, grant.scope),
          expires_in: ttl,
          refresh_token: refresh,
          scope: grant.scope,
          token_type: 'Bearer',
          id_token: idToken(grant.email),
        });
      }
      case 'refresh_token': {
        const known = state.refreshTokens.get(q.get('refresh_token') ?? '');
        const step = refreshSteps.shift();
        if (!known || step?.refresh === 'invalid_grant') {
          return json(400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
        }
        return json(200, {
          access_token: issueAccess(known.email, ttl, known.scope),
          expires_in: ttl,
          scope: known.scope,
          token_type: 'Bearer',
          id_token: idToken(known.email),
        });
      }
      default:
        return json(400, { error: 'unsupported_grant_type', error_description: 'Invalid grant_type: ' });
    }
  }

  // ---- POST /revoke ----
  // Google ends the whole grant: the refresh token and the access tokens issued under it.

  function revoke(body: string, res: http.ServerResponse) {
    const q = new URLSearchParams(body);
    state.revokeRequests.push(q);
    const t = q.get('token') ?? '';
    const grant = state.refreshTokens.get(t) ?? state.accessTokens.get(t);
    if (!grant) {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'invalid_token', error_description: 'Token expired or revoked' }));
      return;
    }
    for (const [k, v] of state.refreshTokens) if (v.email === grant.email) state.refreshTokens.delete(k);
    for (const [k, v] of state.accessTokens) if (v.email === grant.email) state.accessTokens.delete(k);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{}');
  }

  // ---- GET /v1/userinfo ----

  function userinfo(req: http.IncomingMessage, res: http.ServerResponse) {
    state.userinfoRequests++;
    const who = bearer(req);
    if (!who) {
      res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer error="invalid_token"' });
      return res.end(JSON.stringify({ error: 'invalid_request', error_description: 'Invalid Credentials' }));
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ sub: '1', email: who.email, email_verified: true }));
  }

  // ---- GET /gmail/v1/users/{userId}/messages and /messages/{id} (gmail.readonly) ----

  function readAccess(userId: string, req: http.IncomingMessage, res: http.ServerResponse) {
    const json = (status: number, value: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
      res.end(JSON.stringify(value));
    };
    const who = bearer(req);
    if (!who) {
      json(401, googleError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.', 'authError'));
      return null;
    }
    if (!who.scope.split(' ').includes(READ_SCOPE)) {
      json(
        403,
        googleError(
          403,
          'PERMISSION_DENIED',
          'Request had insufficient authentication scopes.',
          'insufficientPermissions',
        ),
      );
      return null;
    }
    if (userId !== 'me' && userId !== who.email) {
      json(403, googleError(403, 'PERMISSION_DENIED', 'Delegation denied for ' + who.email, 'forbidden'));
      return null;
    }
    return { who, json };
  }

  /** The part of Gmail's search syntax the tests use: after:<seconds>, -from:me, -in:chats. */
  function matches(item: MailboxItem, q: string, email: string): boolean {
    for (const term of q.split(/\s+/).filter(Boolean)) {
      const after = /^after:(\d+)$/.exec(term);
      if (after && item.internalDate <= Number(after[1]) * 1000) return false;
      if (term === '-from:me' && headerOf(item.raw, 'from').toLowerCase().includes(email.toLowerCase())) return false;
    }
    return true;
  }

  function list(userId: string, url: URL, req: http.IncomingMessage, res: http.ServerResponse) {
    const ok = readAccess(userId, req, res);
    if (!ok) return;
    const q = url.searchParams.get('q') ?? '';
    state.listQueries.push(q);
    const max = Math.min(Number(url.searchParams.get('maxResults') ?? 100), 500);
    const start = Number(url.searchParams.get('pageToken') ?? 0);
    // Newest first, as Gmail lists them.
    const all = [...(state.mailbox.get(ok.who.email) ?? [])]
      .filter((m) => matches(m, q, ok.who.email))
      .sort((a, b) => b.internalDate - a.internalDate);
    const page = all.slice(start, start + max);
    const next = start + max < all.length ? String(start + max) : undefined;
    ok.json(200, {
      ...(page.length ? { messages: page.map((m) => ({ id: m.id, threadId: m.threadId })) } : {}),
      ...(next ? { nextPageToken: next } : {}),
      resultSizeEstimate: all.length,
    });
  }

  function getMessage(userId: string, id: string, url: URL, req: http.IncomingMessage, res: http.ServerResponse) {
    const ok = readAccess(userId, req, res);
    if (!ok) return;
    const m = (state.mailbox.get(ok.who.email) ?? []).find((x) => x.id === id);
    if (!m) return ok.json(404, googleError(404, 'NOT_FOUND', 'Requested entity was not found.', 'notFound'));
    const format = url.searchParams.get('format') ?? 'full';
    state.getFormats.push(format);
    const base = {
      id: m.id,
      threadId: m.threadId,
      labelIds: m.labelIds,
      snippet: '',
      historyId: '1',
      internalDate: String(m.internalDate),
      sizeEstimate: m.raw.length,
    };
    if (format === 'raw') return ok.json(200, { ...base, raw: m.raw.toString('base64url') });
    if (format === 'metadata') {
      const wanted = url.searchParams.getAll('metadataHeaders').map((h) => h.toLowerCase());
      const headers = headerLines(m.raw).filter((h) => wanted.length === 0 || wanted.includes(h.name.toLowerCase()));
      return ok.json(200, {
        ...base,
        payload: { mimeType: headerOf(m.raw, 'content-type').split(';')[0] || 'text/plain', headers },
      });
    }
    return ok.json(
      400,
      googleError(400, 'INVALID_ARGUMENT', 'Only raw and metadata formats are served here', 'invalidArgument'),
    );
  }

  // ---- POST /gmail/v1/users/{userId}/messages/send ----

  function send(userId: string, body: string, req: http.IncomingMessage, res: http.ServerResponse) {
    state.sendAttempts++;
    const json = (status: number, value: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...headers });
      res.end(JSON.stringify(value));
    };
    const who = bearer(req);
    if (!who) {
      return json(
        401,
        googleError(
          401,
          'UNAUTHENTICATED',
          'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
          'authError',
        ),
        { 'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' },
      );
    }
    if (userId !== 'me' && userId.toLowerCase() !== who.email) {
      return json(403, googleError(403, 'PERMISSION_DENIED', `Delegation denied for ${who.email}`, 'forbidden'));
    }
    const step = sendSteps.shift();
    const loseAnswer = step?.send === 'lostAnswer';
    if (step && !loseAnswer) {
      const retryAt = step.retryAt ?? new Date(Date.now() + 15 * 60_000).toISOString();
      const extra: Record<string, string> = step.retryAfter ? { 'retry-after': step.retryAfter } : {};
      switch (step.send) {
        case 'rateLimit':
          return json(
            429,
            googleError(
              429,
              'RESOURCE_EXHAUSTED',
              `User-rate limit exceeded.  Retry after ${retryAt}`,
              'rateLimitExceeded',
              'usageLimits',
            ),
            extra,
          );
        case 'mailLimit':
          return json(
            429,
            googleError(
              429,
              'RESOURCE_EXHAUSTED',
              `Mail sending limit exceeded.  Retry after ${retryAt}`,
              'rateLimitExceeded',
              'usageLimits',
            ),
            extra,
          );
        case 'dailyLimit':
          return json(
            403,
            googleError(403, 'PERMISSION_DENIED', 'Daily Limit Exceeded', 'dailyLimitExceeded', 'usageLimits'),
          );
        case 'invalidTo':
          return json(400, googleError(400, 'INVALID_ARGUMENT', 'Invalid To header', 'invalidArgument'));
        case 'serverError':
          return json(500, googleError(500, 'INTERNAL', 'Internal error encountered.', 'backendError'));
        case 'unauthorized':
          state.accessTokens.delete(who.token);
          return json(
            401,
            googleError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.', 'authError'),
          );
        case 'lostAnswer':
          break;
      }
    }
    let parsed: { raw?: unknown };
    try {
      parsed = JSON.parse(body) as { raw?: unknown };
    } catch {
      return json(400, googleError(400, 'INVALID_ARGUMENT', 'Invalid JSON payload received.', 'parseError'));
    }
    if (typeof parsed.raw !== 'string' || !parsed.raw) {
      return json(
        400,
        googleError(
          400,
          'INVALID_ARGUMENT',
          "'raw' RFC822 payload message string or uploading message via /upload/* URL required",
          'invalidArgument',
        ),
      );
    }
    if (!/^[A-Za-z0-9_-]+={0,2}$/.test(parsed.raw)) {
      return json(400, googleError(400, 'INVALID_ARGUMENT', "Invalid value at 'message.raw' (TYPE_BYTES)", 'invalid'));
    }
    const raw = Buffer.from(parsed.raw, 'base64url');
    const problem = recipientProblem(raw);
    if (problem) return json(400, googleError(400, 'INVALID_ARGUMENT', problem, 'invalidArgument'));
    const id = randomBytes(8).toString('hex');
    state.sent.push({ id, raw, email: who.email, accessToken: who.token });
    if (loseAnswer) {
      req.socket.destroy();
      return;
    }
    return json(200, { id, threadId: id, labelIds: ['SENT'] });
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const sendPath = /^\/gmail\/v1\/users\/([^/]+)\/messages\/send$/.exec(url.pathname);
      if (req.method === 'GET' && url.pathname === '/o/oauth2/v2/auth') return auth(url, res);
      if (req.method === 'POST' && url.pathname === '/token') return tokenEndpoint(body, req, res);
      if (req.method === 'GET' && url.pathname === '/v1/userinfo') return userinfo(req, res);
      if (req.method === 'POST' && url.pathname === '/revoke') return revoke(body, res);
      if (req.method === 'POST' && sendPath?.[1]) return send(decodeURIComponent(sendPath[1]), body, req, res);
      const listPath = /^\/gmail\/v1\/users\/([^/]+)\/messages$/.exec(url.pathname);
      if (req.method === 'GET' && listPath?.[1]) return list(decodeURIComponent(listPath[1]), url, req, res);
      const getPath = /^\/gmail\/v1\/users\/([^/]+)\/messages\/([^/]+)$/.exec(url.pathname);
      if (req.method === 'GET' && getPath?.[1] && getPath[2]) {
        return getMessage(decodeURIComponent(getPath[1]), decodeURIComponent(getPath[2]), url, req, res);
      }
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify(googleError(404, 'NOT_FOUND', 'Not Found', 'notFound')));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    endpoints: {
      authUrl: `${base}/o/oauth2/v2/auth`,
      tokenUrl: `${base}/token`,
      userinfoUrl: `${base}/v1/userinfo`,
      revokeUrl: `${base}/revoke`,
      gmailRootUrl: `${base}/`,
    },
    state,
    script(step) {
      if ('consent' in step) consentSteps.push(step);
      else if ('refresh' in step) refreshSteps.push(step);
      else sendSteps.push(step);
    },
    expireAccessTokens() {
      for (const t of state.accessTokens.values()) t.expiresAt = 0;
    },
    deliver(raw, o = {}) {
      const email = o.email ?? state.email;
      const item: MailboxItem = {
        id: randomBytes(8).toString('hex'),
        threadId: randomBytes(8).toString('hex'),
        raw: Buffer.from(raw),
        internalDate: o.internalDate ?? Date.now(),
        labelIds: ['INBOX', 'UNREAD'],
      };
      state.mailbox.set(email, [...(state.mailbox.get(email) ?? []), item]);
      return item;
    },
    mint(email = state.email, o = {}) {
      const refreshToken = token('1//0fake-');
      const scope = grantedScope(false, o.read ?? false);
      state.refreshTokens.set(refreshToken, { email, scope });
      state.issued.refreshTokens.push(refreshToken);
      const expiresIn = o.expiresInSec ?? ttl;
      return {
        refreshToken,
        accessToken: issueAccess(email, expiresIn, scope),
        expiryDate: Date.now() + expiresIn * 1000,
        scope,
      };
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** Gmail refuses a message whose recipients it cannot parse, before sending anything. */
function recipientProblem(raw: Buffer): string | null {
  const text = raw.toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  const head = (end < 0 ? text : text.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ');
  const fields = new Map<string, string>();
  for (const line of head.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) fields.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
  }
  const to = fields.get('to');
  if (!to && !fields.get('cc') && !fields.get('bcc')) return 'Recipient address required';
  if (!to) return null;
  const addresses = to
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .split(',')
    .map((part) => (/<([^>]*)>/.exec(part)?.[1] ?? part).trim());
  return addresses.every((a) => /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(a)) ? null : 'Invalid To header';
}

function headerLines(raw: Buffer): { name: string; value: string }[] {
  const text = raw.toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  const head = (end < 0 ? text : text.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ');
  return head
    .split(/\r?\n/)
    .map((line) => ({ i: line.indexOf(':'), line }))
    .filter(({ i }) => i > 0)
    .map(({ i, line }) => ({ name: line.slice(0, i).trim(), value: line.slice(i + 1).trim() }));
}

function headerOf(raw: Buffer, name: string): string {
  return headerLines(raw).find((h) => h.name.toLowerCase() === name)?.value ?? '';
}
