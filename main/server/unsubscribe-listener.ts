// The one-click unsubscribe endpoint (RFC 8058): its own HTTP listener, meant to sit behind the
// user's reverse proxy, which terminates TLS. It answers one path and nothing else of the app:
//   POST /u/<token> with List-Unsubscribe=One-Click   suppresses the token's recipient;
//   GET  /u/<token>                                  a confirmation page whose button POSTs (mail
//                                                    scanners fetch links, so a GET changes nothing).
// Every other path is 404: no page, no API, no WebSocket, no file. Requests are rate-limited (per
// client, and requests with a valid token on a budget of their own), bodies are small, and a bad
// token gets the same 404 as a path that never existed.
import crypto from 'node:crypto';
import http from 'node:http';
import type { OneClickUnsubscribe } from '../engine/feedback/one-click';
import type { Logger } from '../engine/log';
import { ONE_CLICK_PREFIX } from '../engine/messages/unsubscribe';
import { clientAddress, clientKey } from './client-address';
import { type BucketLimits, type Take, TokenBuckets } from './token-bucket';

export interface UnsubscribeListenerLimits {
  /** Each client (an IPv4 address, an IPv6 /64): every request that does not carry a valid token. */
  client: BucketLimits;
  /** Each valid token: a mail app retrying, a person, a link scanner or two, and no more. */
  token: BucketLimits;
  /**
   * All requests with a valid token together. They are never charged to their client, so a flood
   * of other requests from the same address (or from everyone behind one proxy) cannot starve them.
   */
  valid: Omit<BucketLimits, 'maxClients'>;
  maxBodyBytes: number;
}

/**
 * Generous enough for a mail provider that posts many users' requests from one address, tight
 * enough that nobody can hammer the database: per client 30 at once, then one a second; per valid
 * token 10, then one every 10 s; all valid requests 300 at once, then 20 a second.
 */
export const DEFAULT_LISTENER_LIMITS: UnsubscribeListenerLimits = {
  client: { burst: 30, perSecond: 1, maxClients: 10_000 },
  token: { burst: 10, perSecond: 0.1, maxClients: 10_000 },
  valid: { burst: 300, perSecond: 20 },
  // The body is "List-Unsubscribe=One-Click", or that one field as multipart/form-data.
  maxBodyBytes: 4_096,
};

export interface ListenerLimitsInput {
  client?: Partial<BucketLimits>;
  token?: Partial<BucketLimits>;
  valid?: Partial<UnsubscribeListenerLimits['valid']>;
  maxBodyBytes?: number;
}

export interface UnsubscribeListenerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** The path of the public base URL ("/ct" for https://example.com/ct; "" for none). */
  basePath: string;
  unsubscribe: OneClickUnsubscribe;
  log: Logger;
  /**
   * Whether the reverse proxy on this machine sets X-Forwarded-For to the client's address (off
   * unless the user says so: otherwise the header is the client's own words).
   */
  trustProxy?: boolean;
  limits?: ListenerLimitsInput;
  /** The rate limiter's clock (real time unless a test moves it). */
  now?: () => number;
}

export interface RunningListener {
  host: string;
  port: number;
  close(): Promise<void>;
}

const STYLE =
  'body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#1d2330}' +
  'button{font:inherit;padding:.5rem 1.25rem;border:0;border-radius:.375rem;background:#1f5fd1;color:#fff;cursor:pointer}';
const STYLE_HASH = crypto.createHash('sha256').update(STYLE).digest('base64');

/** The pages allow their one inline style and a form posting to themselves; nothing else loads. */
export const LISTENER_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${STYLE_HASH}'`,
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

const HEADERS: Record<string, string> = {
  'Content-Security-Policy': LISTENER_CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Robots-Tag': 'noindex',
  'Cache-Control': 'no-store',
};

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${title}</title><style>${STYLE}</style></head><body><h1>${title}</h1>${body}</body></html>`;
}

const CONFIRM_PAGE = page(
  'Unsubscribe',
  '<p>Stop receiving these emails? Your address will be taken off this sender’s list.</p>' +
    '<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe</button></form>',
);
const DONE_PAGE = page('You are unsubscribed', '<p>You will not receive these emails again.</p>');

/** The token of a one-click path, with or without the base URL's path in front; else null. */
export function tokenOfPath(urlPath: string, basePath: string): string | null {
  const p = basePath && urlPath.startsWith(`${basePath}${ONE_CLICK_PREFIX}`) ? urlPath.slice(basePath.length) : urlPath;
  if (!p.startsWith(ONE_CLICK_PREFIX)) return null;
  const token = p.slice(ONE_CLICK_PREFIX.length);
  return /^[0-9A-Za-z-]{1,64}$/.test(token) ? token : null;
}

/** RFC 8058: the body is the single pair List-Unsubscribe=One-Click, urlencoded or multipart. */
export function isOneClickBody(contentType: string, body: string): boolean {
  const type = contentType.split(';', 1)[0]!.trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded') {
    return new URLSearchParams(body).get('List-Unsubscribe') === 'One-Click';
  }
  if (type === 'multipart/form-data') {
    const boundary = contentType.match(/;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i);
    const b = boundary?.[1] ?? boundary?.[2];
    if (!b) return false;
    return body.split(`--${b}`).some((part) => {
      const split = part.indexOf('\r\n\r\n');
      if (split === -1) return false;
      const head = part.slice(0, split);
      const value = part.slice(split + 4).replace(/\r\n$/, '');
      return /^content-disposition:\s*form-data;\s*name="?List-Unsubscribe"?\s*$/im.test(head) && value === 'One-Click';
    });
  }
  return false;
}

function answer(
  res: http.ServerResponse,
  status: number,
  body: string,
  extra: Record<string, string> = {},
  html = false,
) {
  res.writeHead(status, {
    ...HEADERS,
    ...extra,
    'Content-Type': html ? 'text/html; charset=utf-8' : 'text/plain; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

/** Reads a body up to `max` bytes; null when it is longer (the rest is not read). */
function readBody(req: http.IncomingMessage, max: number): Promise<string | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        req.removeAllListeners('data');
        req.pause();
        resolve(null);
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(null));
  });
}

export function startUnsubscribeListener(opts: UnsubscribeListenerOptions): Promise<RunningListener> {
  const d = DEFAULT_LISTENER_LIMITS;
  const l = opts.limits ?? {};
  const limits: UnsubscribeListenerLimits = {
    client: { ...d.client, ...l.client },
    token: { ...d.token, ...l.token },
    valid: { ...d.valid, ...l.valid },
    maxBodyBytes: l.maxBodyBytes ?? d.maxBodyBytes,
  };
  const clients = new TokenBuckets(limits.client);
  const tokens = new TokenBuckets(limits.token);
  const valid = new TokenBuckets({ ...limits.valid, maxClients: 1 });
  const now = opts.now ?? Date.now;
  const trustProxy = opts.trustProxy ?? false;
  /** A valid token's own budget first, so one recipient repeating their link cannot spend everyone's. */
  const takeValid = (token: string, t: number): Take => {
    const own = tokens.take(token.toLowerCase(), t);
    return own.ok ? valid.take('', t) : own;
  };
  const server = http.createServer({ maxHeaderSize: 8_192, requestTimeout: 15_000, headersTimeout: 10_000 });
  server.maxConnections = 512;

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const urlPath = (req.url ?? '/').split(/[?#]/, 1)[0] ?? '/';
    const token = tokenOfPath(urlPath, opts.basePath);
    // A request that can act on a token is checked before it is charged (an HMAC and one indexed
    // read, no more than parsing the request costs): a valid one spends the valid requests' budget,
    // never its client's, which every other request from that address shares.
    const acts = token !== null && (req.method === 'GET' || req.method === 'HEAD' || req.method === 'POST');
    // A locked keychain is not asked once per request of a flood: the engine's key loader asks it
    // again at most once a minute.
    const found = acts ? await opts.unsubscribe.check(token) : null;
    const take =
      token !== null && found === 'valid'
        ? takeValid(token, now())
        : clients.take(clientKey(clientAddress(req, trustProxy)), now());
    if (!take.ok) {
      req.resume();
      answer(res, 429, 'Too many requests.', { 'Retry-After': String(take.retryAfterSeconds), Connection: 'close' });
      return;
    }
    if (token === null) {
      req.resume();
      answer(res, 404, 'Not found.');
      return;
    }
    const unavailable = () =>
      answer(res, 503, 'Unsubscribing is not possible right now. Please try again later.', { 'Retry-After': '300' });
    if (found === 'unavailable') {
      req.resume();
      unavailable();
      return;
    }

    if (req.method === 'GET' || req.method === 'HEAD') {
      req.resume();
      if (found === 'valid') answer(res, 200, CONFIRM_PAGE, {}, true);
      else answer(res, 404, 'Not found.');
      return;
    }
    if (req.method !== 'POST') {
      req.resume();
      answer(res, 405, 'Method not allowed.', { Allow: 'GET, HEAD, POST' });
      return;
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    const body = declared > limits.maxBodyBytes ? null : await readBody(req, limits.maxBodyBytes);
    if (body === null) {
      answer(res, 413, 'The request body is too large.', { Connection: 'close' });
      return;
    }
    if (!isOneClickBody(req.headers['content-type'] ?? '', body)) {
      answer(res, 400, 'Bad request.');
      return;
    }
    const done = await opts.unsubscribe.confirm(token);
    if (done === 'unsubscribed' || done === 'already') answer(res, 200, DONE_PAGE, {}, true);
    else if (done === 'unavailable') unavailable();
    else answer(res, 404, 'Not found.');
  };

  server.on('request', (req, res) => {
    handle(req, res).catch((err: unknown) => {
      opts.log.error('one-click unsubscribe request failed', err);
      if (!res.headersSent) answer(res, 500, 'Something went wrong. Please try again later.');
      else res.destroy();
    });
  });
  // No WebSocket or any other protocol here.
  server.on('upgrade', (_req, socket) => {
    socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : opts.port;
      resolve({
        host: opts.host,
        port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
