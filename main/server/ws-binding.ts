// Binds the contract to a WebSocket at /ws. The upgrade needs three things: a Host naming this
// server, an Origin equal to this server's own page, and the session token as subprotocol
// `ct.<token>` (never in the URL, where logs and history keep it). Frames: {id, method, input}
// in, {id, result} out, and {event, payload} pushed for every hub event. Frames are small (files
// go over POST /upload), sockets are capped, and refused upgrades are rate-limited.
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { MAX_FRAME_BYTES, WS_CLOSE_STALE_TOKEN, WS_PATH, WS_TOKEN_PROTOCOL_PREFIX } from '../../shared/bridge';
import { EVENT_NAMES } from '../../shared/channels';
import type { EventName, EventPayloads } from '../../shared/contract';
import type { Result } from '../../shared/result';
import type { EventHub } from '../engine/events/hub';
import type { Logger } from '../engine/log';
import type { Dispatch } from '../rpc/dispatch';
import { sameSecret } from './secret-compare';

export interface WsBindingOptions {
  dispatch: Dispatch;
  hub: EventHub;
  token: string;
  allowedHosts: readonly string[];
  allowedOrigins: readonly string[];
  log: Logger;
  maxSockets?: number;
  refusedPerMinute?: number;
}

export interface WsBinding {
  close(): Promise<void>;
}

/** Open sockets at once: a handful of tabs, not an unbounded number of connections. */
export const MAX_SOCKETS = 16;
/** Refused upgrades answered (and logged) per minute before the rest get a bare 429. */
export const REFUSED_UPGRADES_PER_MINUTE = 30;
/** Request ids are echoed back; keep them small so a client cannot make us echo megabytes. */
const MAX_ID_LENGTH = 100;

/** `stale`: the page's own, with a token of an earlier run; told so over the socket (see below). */
type Refusal = { status: 400 | 401 | 403 | 404 | 421 | 429 | 503; text: string; stale?: true };

/** At most 123 bytes: the limit of a close frame's reason. */
export const STALE_TOKEN_REASON = 'The server was restarted: open the new address it printed.';

function tokenOf(req: http.IncomingMessage): string | null {
  const offered = (req.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((p) => p.trim())
    .find((p) => p.startsWith(WS_TOKEN_PROTOCOL_PREFIX));
  return offered ? offered.slice(WS_TOKEN_PROTOCOL_PREFIX.length) : null;
}

/**
 * Refusals within a sliding minute. Past the budget a refusal is answered with a bare 429 and no
 * log line; one summary line per minute says how many were dropped. Accepted upgrades are never
 * limited, so a flood of bad requests cannot lock out the real page.
 */
class RefusalBudget {
  private times: number[] = [];
  private dropped = 0;
  private summaryAt = 0;
  constructor(
    private perMinute: number,
    private log: Logger,
    private now: () => number = Date.now,
  ) {}

  /** true: answer and log this refusal; false: over budget. */
  take(): boolean {
    const t = this.now();
    while (this.times.length && this.times[0]! <= t - 60_000) this.times.shift();
    if (this.dropped > 0 && t - this.summaryAt >= 60_000) {
      this.log.warn(`websocket refused ${this.dropped} more upgrade requests in the last minute (rate-limited)`);
      this.dropped = 0;
    }
    if (this.times.length < this.perMinute) {
      this.times.push(t);
      return true;
    }
    if (this.dropped === 0) this.summaryAt = t;
    this.dropped++;
    return false;
  }
}

/** Why an upgrade request is refused, or null when it may open a socket. */
export function checkUpgrade(req: http.IncomingMessage, opts: WsBindingOptions): Refusal | null {
  if (!opts.allowedHosts.includes(req.headers.host ?? '')) {
    return { status: 421, text: 'This server answers only to its own address.' };
  }
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://placeholder');
  } catch {
    return { status: 400, text: 'Bad request.' };
  }
  if (url.pathname !== WS_PATH) return { status: 404, text: 'Not found.' };
  if (!opts.allowedOrigins.includes(req.headers.origin ?? '')) {
    return { status: 403, text: 'Only Campaign Tray’s own page may connect.' };
  }
  const token = tokenOf(req);
  if (!token || !sameSecret(token, opts.token)) {
    const text = 'Missing or wrong token: open the address the server printed, including #token=….';
    return token ? { status: 401, text, stale: true } : { status: 401, text };
  }
  return null;
}

function refuse(socket: Duplex, { status, text }: Refusal) {
  const reason = REASONS[status];
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
  );
  socket.destroy();
}

const REASONS: Record<Refusal['status'], string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  421: 'Misdirected Request',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
};

type RequestFrame = { id: string | number; method: unknown; input: unknown };

/** Reads a frame; returns the request, an error answer for a known id, or null (ignore). */
export function parseFrame(text: string): RequestFrame | { id: string | number; error: string } | null {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) return null;
  const rec = msg as Record<string, unknown>;
  const id = Object.hasOwn(rec, 'id') ? rec.id : undefined;
  const idOk =
    (typeof id === 'string' && id.length > 0 && id.length <= MAX_ID_LENGTH) ||
    (typeof id === 'number' && Number.isSafeInteger(id));
  if (!idOk) return null;
  if (typeof rec.method !== 'string') return { id: id as string | number, error: 'A request needs a method name.' };
  return { id: id as string | number, method: rec.method, input: Object.hasOwn(rec, 'input') ? rec.input : undefined };
}

export function bindWebSocket(server: http.Server, opts: WsBindingOptions): WsBinding {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_FRAME_BYTES,
    // Echo the token protocol back, as browsers require when they offered one.
    handleProtocols: (protocols) => [...protocols].find((p) => p.startsWith(WS_TOKEN_PROTOCOL_PREFIX)) ?? false,
  });
  const events = new Set<string>(EVENT_NAMES);
  const maxSockets = opts.maxSockets ?? MAX_SOCKETS;
  const budget = new RefusalBudget(opts.refusedPerMinute ?? REFUSED_UPGRADES_PER_MINUTE, opts.log);

  const onUpgrade = (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const refusal = checkUpgrade(req, opts);
    if (refusal?.stale && !budget.take()) {
      refuse(socket, { status: 429, text: 'Too many refused requests. Try again in a minute.' });
      return;
    }
    if (refusal?.stale) {
      // A browser sees no HTTP status of a refused upgrade, only "closed": so this page (right Host
      // and Origin, old token) gets a socket that closes at once with a code it can explain. The
      // socket never subscribes to events nor reads a request.
      opts.log.warn('websocket with a stale token closed');
      wss.handleUpgrade(req, socket, head, (ws) => ws.close(WS_CLOSE_STALE_TOKEN, STALE_TOKEN_REASON));
      return;
    }
    const refused =
      refusal ??
      (wss.clients.size >= maxSockets
        ? ({ status: 503, text: `At most ${maxSockets} windows may be connected at once. Close one.` } as const)
        : null);
    if (refused) {
      if (!budget.take()) {
        refuse(socket, { status: 429, text: 'Too many refused requests. Try again in a minute.' });
        return;
      }
      opts.log.warn(`websocket refused (${refused.status})`);
      refuse(socket, refused);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  };
  server.on('upgrade', onUpgrade);

  wss.on('connection', (ws: WebSocket) => {
    const send = (msg: unknown) => {
      if (ws.readyState !== ws.OPEN) return;
      ws.send(JSON.stringify(msg), (err) => {
        if (err) opts.log.warn('websocket send failed', err);
      });
    };
    const unsubscribe = opts.hub.subscribe(<E extends EventName>(event: E, payload: EventPayloads[E]) => {
      if (events.has(event)) send({ event, payload });
    });
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      const frame = parseFrame(data.toString());
      if (!frame) return;
      if ('error' in frame) {
        const result: Result<never> = { ok: false, error: { code: 'invalid_input', message: frame.error } };
        send({ id: frame.id, result });
        return;
      }
      opts.dispatch(frame.method, frame.input).then(
        (result) => send({ id: frame.id, result }),
        (err) => {
          opts.log.error('request failed outside the dispatcher', err);
          send({ id: frame.id, result: { ok: false, error: { code: 'internal', message: 'Something went wrong.' } } });
        },
      );
    });
    ws.on('close', unsubscribe);
    ws.on('error', (err) => {
      // Oversized or broken frames end up here; the socket closes, the server lives on.
      opts.log.warn('websocket error', err);
      unsubscribe();
    });
  });

  return {
    close() {
      server.off('upgrade', onUpgrade);
      for (const client of wss.clients) client.terminate();
      return new Promise((resolve) => wss.close(() => resolve()));
    },
  };
}
