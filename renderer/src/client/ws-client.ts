// The browser transport of the headless mode. The token comes from the URL fragment (never sent
// to the server by the browser on its own) and travels as the WebSocket subprotocol, and as a
// header on file uploads. Once read it leaves the address bar (so it is not shown, bookmarked or
// shared by copying the address) and lives in this tab's sessionStorage, so a reload still works.
import {
  MAX_FRAME_BYTES,
  UPLOAD_NAME_HEADER,
  UPLOAD_PATH,
  UPLOAD_TOKEN_HEADER,
  WS_CLOSE_STALE_TOKEN,
  WS_PATH,
  WS_TOKEN_PROTOCOL_PREFIX,
} from '../../../shared/bridge';
import type { EventName, EventPayloads, UploadedFile } from '../../../shared/contract';
import type { Result } from '../../../shared/result';
import type { Client, ConnectionState } from './client';

type Pending = { resolve: (r: Result<never>) => void };
type Listener = (payload: never) => void;

const BACKOFF_MS = [250, 500, 1000, 2000, 4000, 8000];

export function tokenFromHash(hash: string): string | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const t = params.get('token');
  return t && /^[A-Za-z0-9_-]+$/.test(t) ? t : null;
}

const TOKEN_KEY = 'campaign-tray.token';

/** Reads the token once, then takes it out of the address bar (keeping any screen fragment). */
export function takeToken(location: Location, history: History, storage: Storage | null): string | null {
  const fromHash = tokenFromHash(location.hash);
  if (fromHash) {
    storage?.setItem(TOKEN_KEY, fromHash);
    const params = new URLSearchParams(location.hash.replace(/^#/, ''));
    params.delete('token');
    const rest = params.toString();
    history.replaceState(history.state, '', `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`);
    return fromHash;
  }
  const stored = storage?.getItem(TOKEN_KEY) ?? null;
  return stored && /^[A-Za-z0-9_-]+$/.test(stored) ? stored : null;
}

function sessionStore(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

const lost = (message: string): Result<never> => ({ ok: false, error: { code: 'network', message } });

/** UTF-8 bytes of a frame; only a frame that might be near the cap is encoded to count them. */
function frameBytes(frame: string): number {
  return frame.length * 3 <= MAX_FRAME_BYTES ? frame.length : new TextEncoder().encode(frame).length;
}

/** Why a request is not sent, when it is too large for one frame. */
export function oversizeFrame(frame: string): Result<never> | null {
  const bytes = frameBytes(frame);
  if (bytes <= MAX_FRAME_BYTES) return null;
  const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
  return {
    ok: false,
    error: {
      code: 'invalid_input',
      message: `This request is too large to send (${mb(bytes)} MB; at most ${mb(MAX_FRAME_BYTES)} MB at once). Send less at a time, or import it as a file.`,
    },
  };
}

export function createWsClient(location: Location): Client {
  const token = takeToken(location, window.history, sessionStore());
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${WS_PATH}`;
  const pending = new Map<number, Pending>();
  const listeners = new Map<string, Set<Listener>>();
  const connectionListeners = new Set<(s: ConnectionState) => void>();
  let state: ConnectionState = 'connecting';
  let socket: WebSocket | null = null;
  let attempt = 0;
  let nextId = 1;
  const queue: string[] = [];

  const setState = (s: ConnectionState) => {
    state = s;
    for (const cb of connectionListeners) cb(s);
  };

  const connect = () => {
    if (!token) {
      setState('no_token');
      return;
    }
    const ws = new WebSocket(url, [`${WS_TOKEN_PROTOCOL_PREFIX}${token}`]);
    socket = ws;
    ws.onopen = () => {
      attempt = 0;
      setState('open');
      for (const frame of queue.splice(0)) ws.send(frame);
    };
    ws.onmessage = (ev) => {
      let msg: { id?: number; result?: Result<never>; event?: string; payload?: unknown };
      try {
        msg = JSON.parse(String(ev.data));
      } catch {
        return;
      }
      if (typeof msg.id === 'number' && msg.result) {
        pending.get(msg.id)?.resolve(msg.result);
        pending.delete(msg.id);
      } else if (typeof msg.event === 'string') {
        for (const cb of listeners.get(msg.event) ?? []) cb(msg.payload as never);
      }
    };
    ws.onclose = (ev) => {
      socket = null;
      const stale = ev.code === WS_CLOSE_STALE_TOKEN;
      // Answers to requests in flight are gone with the socket; the caller sees why.
      const why = stale
        ? 'Campaign Tray was restarted: open the new address it printed.'
        : 'The connection to Campaign Tray was lost. Try again.';
      for (const p of pending.values()) p.resolve(lost(why));
      pending.clear();
      queue.length = 0;
      if (stale) {
        // This token will never be accepted again: retrying would only spin.
        setState('stale_token');
        return;
      }
      setState('lost');
      const delay = BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)] ?? 8000;
      attempt++;
      setTimeout(connect, delay);
    };
  };
  connect();

  return {
    call(name, input) {
      if (!token) {
        return Promise.resolve(
          lost('This address has no access token. Open the full address the server printed (it ends in #token=…).'),
        );
      }
      const id = nextId++;
      const frame = JSON.stringify({ id, method: name, input });
      // The server would close the socket on it, failing every other request in flight too.
      const tooLarge = oversizeFrame(frame);
      if (tooLarge) return Promise.resolve(tooLarge);
      return new Promise((resolve) => {
        pending.set(id, { resolve: resolve as Pending['resolve'] });
        if (socket && socket.readyState === WebSocket.OPEN) socket.send(frame);
        else queue.push(frame);
      });
    },
    async upload(file: File): Promise<Result<UploadedFile>> {
      if (!token) return lost('This address has no access token. Open the full address the server printed.');
      try {
        const res = await fetch(UPLOAD_PATH, {
          method: 'POST',
          headers: {
            [UPLOAD_TOKEN_HEADER]: token,
            [UPLOAD_NAME_HEADER]: encodeURIComponent(file.name),
            'Content-Type': 'application/octet-stream',
          },
          body: file,
        });
        if (res.ok) return { ok: true, value: (await res.json()) as UploadedFile };
        const text = (await res.text()).trim();
        const code = res.status === 401 || res.status === 403 ? 'forbidden' : 'invalid_input';
        return { ok: false, error: { code, message: text || `The upload was refused (${res.status}).` } };
      } catch {
        return lost(`${file.name} could not be uploaded: the connection to Campaign Tray was lost. Try again.`);
      }
    },
    on<E extends EventName>(event: E, cb: (p: EventPayloads[E]) => void) {
      let set = listeners.get(event);
      if (!set) {
        set = new Set();
        listeners.set(event, set);
      }
      set.add(cb as Listener);
      return () => {
        set.delete(cb as Listener);
      };
    },
    onConnection(cb) {
      connectionListeners.add(cb);
      cb(state);
      return () => {
        connectionListeners.delete(cb);
      };
    },
  };
}
