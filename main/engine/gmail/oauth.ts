// Google's installed-app flow: the system browser shows the consent page and Google redirects to a
// one-shot listener on 127.0.0.1, protected by PKCE (S256) and a random state.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import { CodeChallengeMethod, type Credentials, gaxios, OAuth2Client } from 'google-auth-library';
import type { TransportFailure } from '../failure';
import { registerSecret } from '../log';
import { GMAIL_READ_SCOPE, GMAIL_SCOPES, GMAIL_SEND_SCOPE, type GoogleEndpoints } from './endpoints';
import type { GoogleClient, StoredTokens } from './tokens';

export type ConnectOutcome =
  | { status: 'connected'; email: string; name: string | null; tokens: StoredTokens }
  | { status: 'failed' | 'cancelled' | 'timeout'; message: string };

export interface ConsentOptions {
  client: GoogleClient;
  endpoints: GoogleEndpoints;
  /** How long the listener waits for the browser. Default 5 minutes. */
  timeoutMs?: number;
  /** Preselects the Google account (reconnecting a known address). */
  loginHint?: string;
  /** Also ask to read the mailbox (feedback), keeping what was granted before. */
  readMailbox?: boolean;
}

export const DEFAULT_CONSENT_TIMEOUT_MS = 5 * 60_000;
const CALLBACK_PATH = '/oauth2/callback';
/** Per HTTP request to Google. */
export const GOOGLE_TIMEOUT_MS = 60_000;

export function googleOAuthClient(client: GoogleClient, endpoints: GoogleEndpoints, redirectUri?: string) {
  registerSecret(client.clientSecret);
  return new OAuth2Client({
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    redirectUri,
    endpoints: { oauth2AuthBaseUrl: endpoints.authUrl, oauth2TokenUrl: endpoints.tokenUrl },
    // A stalled token endpoint must not hold a send (or a consent) forever.
    transporterOptions: { timeout: GOOGLE_TIMEOUT_MS },
  });
}

const base64url = (b: Buffer) => b.toString('base64url');

/** One consent attempt: its listener, PKCE verifier and state. Settles exactly once. */
export class LoopbackAuthFlow {
  readonly flowId = randomUUID();
  readonly outcome: Promise<ConnectOutcome>;
  private resolve!: (o: ConnectOutcome) => void;
  // 32 random bytes give a 43-character verifier, the minimum RFC 7636 allows and plenty of entropy.
  private readonly verifier = base64url(randomBytes(32));
  private readonly state = base64url(randomBytes(24));
  private readonly server: http.Server;
  private redirectUri = '';
  private url = '';
  private timer: NodeJS.Timeout | null = null;
  private claimed = false;
  private done = false;
  private browser: http.ServerResponse | null = null;

  private constructor(private readonly opts: ConsentOptions) {
    this.outcome = new Promise((r) => {
      this.resolve = r;
    });
    this.server = http.createServer((req, res) => this.onRequest(req, res));
  }

  /** Opens the listener on a random loopback port and builds the consent URL. */
  static async open(opts: ConsentOptions): Promise<LoopbackAuthFlow> {
    const flow = new LoopbackAuthFlow(opts);
    await flow.listen();
    return flow;
  }

  get authUrl(): string {
    return this.url;
  }

  cancel(): void {
    this.finish({ status: 'cancelled', message: 'Connecting the Gmail account was cancelled.' });
  }

  private async listen() {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      // 127.0.0.1, not localhost: Google documents the IP literal for desktop clients, and it
      // never resolves to a different interface.
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = this.server.address();
    if (!address || typeof address === 'string') throw new Error('The loopback listener has no port.');
    this.redirectUri = `http://127.0.0.1:${address.port}${CALLBACK_PATH}`;
    const challenge = base64url(createHash('sha256').update(this.verifier).digest());
    this.url = googleOAuthClient(this.opts.client, this.opts.endpoints, this.redirectUri).generateAuthUrl({
      access_type: 'offline',
      // Consent every time: only a consent screen yields a refresh token.
      prompt: 'consent',
      scope: this.opts.readMailbox ? [...GMAIL_SCOPES, GMAIL_READ_SCOPE] : [...GMAIL_SCOPES],
      ...(this.opts.readMailbox ? { include_granted_scopes: true } : {}),
      state: this.state,
      code_challenge: challenge,
      code_challenge_method: CodeChallengeMethod.S256,
      ...(this.opts.loginHint ? { login_hint: this.opts.loginHint } : {}),
    });
    const ms = this.opts.timeoutMs ?? DEFAULT_CONSENT_TIMEOUT_MS;
    this.timer = setTimeout(
      () =>
        this.finish({
          status: 'timeout',
          message: `No answer came back from the browser within ${duration(ms)}. Click Connect again and finish the Google sign-in in the browser.`,
        }),
      ms,
    );
    this.timer.unref();
  }

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? '/', this.redirectUri);
    if (req.method !== 'GET' || url.pathname !== CALLBACK_PATH || this.claimed) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
      res.end('Not found');
      return;
    }
    // An answer without this attempt's state is not ours (a stray or forged request): refuse it
    // and keep listening, so it cannot knock out the user's real sign-in.
    if (url.searchParams.get('state') !== this.state) {
      answerBrowser(
        res,
        failed(
          'The browser returned a sign-in answer that does not belong to this Connect attempt (state mismatch), so it was ignored.',
        ),
      );
      return;
    }
    // Exactly one callback: whatever it says, the listener stops accepting connections now, and
    // the timeout no longer applies (the token exchange that follows has its own).
    this.claimed = true;
    if (this.timer) clearTimeout(this.timer);
    this.browser = res;
    this.server.close();
    void this.answer(url.searchParams).then((o) => this.finish(o));
  }

  private async answer(params: URLSearchParams): Promise<ConnectOutcome> {
    const error = params.get('error');
    if (error === 'access_denied') {
      return failed(
        'Google did not grant access (access_denied). If you clicked Cancel, click Connect again and choose Allow. If Google said the app is blocked, add your address as a test user of the OAuth consent screen (see docs/gmail.md).',
      );
    }
    if (error) return failed(`Google answered with the error "${error}". Click Connect again.`);
    const code = params.get('code');
    if (!code) return failed('The browser returned no authorization code. Click Connect again.');
    try {
      return await this.exchange(code);
    } catch (err) {
      return failed(connectErrorMessage(googleFailure(err)));
    }
  }

  private async exchange(code: string): Promise<ConnectOutcome> {
    const oauth = googleOAuthClient(this.opts.client, this.opts.endpoints, this.redirectUri);
    const { tokens } = await oauth.getToken({ code, codeVerifier: this.verifier, redirect_uri: this.redirectUri });
    registerSecret(tokens.access_token);
    registerSecret(tokens.refresh_token);
    registerSecret(tokens.id_token);
    if (!tokens.refresh_token) {
      return failed(
        'Google returned no refresh token. Remove Campaign Tray under myaccount.google.com → Security → Third-party access, then click Connect again.',
      );
    }
    // Google's consent screen lets the user untick single scopes.
    const granted = (tokens.scope ?? '').split(/\s+/);
    if (tokens.scope && !granted.includes(GMAIL_SEND_SCOPE)) {
      return failed(
        'Sending permission was not granted. Click Connect again and tick "Send email on your behalf" on the Google consent screen.',
      );
    }
    const who = idTokenIdentity(tokens, this.opts.client.clientId) ?? (await this.userinfo(tokens));
    if (!who) return failed('Google did not tell which address signed in. Click Connect again.');
    return {
      status: 'connected',
      email: who.email,
      name: who.name,
      tokens: {
        refreshToken: tokens.refresh_token,
        accessToken: tokens.access_token ?? null,
        expiryDate: tokens.expiry_date ?? null,
        scope: tokens.scope ?? null,
      },
    };
  }

  private async userinfo(tokens: Credentials): Promise<Identity | null> {
    if (!tokens.access_token) return null;
    const res = await fetch(this.opts.endpoints.userinfoUrl, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
      signal: AbortSignal.timeout(GOOGLE_TIMEOUT_MS),
    });
    if (!res.ok) return null;
    return identityFrom((await res.json()) as Claims);
  }

  private finish(o: ConnectOutcome) {
    if (this.done) return;
    this.done = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.server.listening) this.server.close();
    if (this.browser) answerBrowser(this.browser, o);
    this.resolve(o);
  }
}

export async function startConsent(opts: ConsentOptions): Promise<{
  flowId: string;
  authUrl: string;
  outcome: Promise<ConnectOutcome>;
  cancel(): void;
}> {
  const flow = await LoopbackAuthFlow.open(opts);
  return { flowId: flow.flowId, authUrl: flow.authUrl, outcome: flow.outcome, cancel: () => flow.cancel() };
}

// ---- identity ---------------------------------------------------------------------------------

interface Claims {
  email?: unknown;
  email_verified?: unknown;
  name?: unknown;
  aud?: unknown;
}
interface Identity {
  email: string;
  name: string | null;
}

function identityFrom(c: Claims): Identity | null {
  if (typeof c.email !== 'string' || !c.email.includes('@') || c.email_verified === false) return null;
  return { email: c.email.toLowerCase(), name: typeof c.name === 'string' && c.name ? c.name : null };
}

/**
 * Reads the address from the ID token's payload. The signature is not checked: the token came
 * straight from Google's token endpoint over TLS in answer to our own code exchange, which is the
 * case OpenID Connect Core §3.1.3.7 allows to rely on TLS alone. The audience is still checked.
 */
function idTokenIdentity(tokens: Credentials, clientId: string): Identity | null {
  const payload = tokens.id_token?.split('.')[1];
  if (!payload) return null;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Claims;
    const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!aud.includes(clientId)) return null;
    return identityFrom(claims);
  } catch {
    return null;
  }
}

// ---- errors -----------------------------------------------------------------------------------

interface GoogleErrorBody {
  error?: string | { code?: number; message?: string; errors?: { reason?: string; message?: string }[] };
  error_description?: string;
}

/** Google's answer in the terms of TransportFailure: token endpoint, REST API or network. */
export function googleFailure(err: unknown): TransportFailure {
  if (err instanceof gaxios.GaxiosError && err.response) {
    const res = err.response;
    const body = (res.data && typeof res.data === 'object' ? res.data : {}) as GoogleErrorBody;
    // The token endpoint answers RFC 6749 style: { error: "invalid_grant", error_description }.
    if (typeof body.error === 'string') {
      return { source: 'oauth', error: body.error, description: body.error_description ?? null };
    }
    const first = body.error?.errors?.[0];
    return {
      source: 'http',
      status: res.status,
      reason: first?.reason ?? null,
      message:
        body.error?.message ?? first?.message ?? (typeof res.data === 'string' ? res.data.slice(0, 300) : err.message),
      retryAfter: res.headers?.get('retry-after') ?? null,
    };
  }
  if (err instanceof Error && /refresh token/i.test(err.message) && !errorCode(err)) {
    return { source: 'oauth', error: 'invalid_grant', description: err.message };
  }
  return { source: 'network', code: errorCode(err), message: innermostMessage(err) };
}

/** fetch failures nest the socket error (ECONNREFUSED, ETIMEDOUT…) a cause or two deep. */
function errorCode(err: unknown): string | null {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return null;
}

function innermostMessage(err: unknown): string {
  let msg = err instanceof Error ? err.message : String(err);
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof Error && e.message) msg = e.message;
  }
  return msg;
}

function connectErrorMessage(f: TransportFailure): string {
  switch (f.source) {
    case 'oauth':
      if (f.error === 'invalid_client' || f.error === 'unauthorized_client') {
        return `Google did not accept the OAuth client (${f.error}). Check the client ID and secret under Settings → Gmail; the client must be of type "Desktop app".`;
      }
      return `Google refused the sign-in (${f.error}${f.description ? `: ${f.description}` : ''}). Click Connect again.`;
    case 'network':
    case 'interrupted':
      return `Google could not be reached (${f.code ?? f.message}). Check the internet connection and click Connect again.`;
    case 'http':
      return `Google answered ${f.status} ${f.message}. Click Connect again in a moment.`;
    case 'config':
      return `${f.message} Click Connect again.`;
    case 'smtp':
      return `${f.response} Click Connect again.`;
  }
}

function failed(message: string): ConnectOutcome {
  return { status: 'failed', message };
}

function duration(ms: number): string {
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000} minute${ms === 60_000 ? '' : 's'}`;
  const s = Math.max(1, Math.round(ms / 1000));
  return `${s} second${s === 1 ? '' : 's'}`;
}

// ---- the page the browser shows ---------------------------------------------------------------

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

function answerBrowser(res: http.ServerResponse, o: ConnectOutcome) {
  const ok = o.status === 'connected';
  const title = ok ? 'Gmail account connected' : 'Gmail account not connected';
  const text = ok
    ? `${o.email} is connected to Campaign Tray. You can close this tab.`
    : `${o.message} You can close this tab.`;
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#222}
h1{font-size:1.4rem;color:${ok ? '#1a7f37' : '#b42318'}}</style></head>
<body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></body></html>`;
  res.writeHead(ok ? 200 : 400, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
    connection: 'close',
  });
  res.end(html);
}
