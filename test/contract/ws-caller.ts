// A contract client over the real WebSocket endpoint, as the browser page speaks it.
import WebSocket from 'ws';
import type { Result } from '../../shared/result';

export interface WsCaller {
  call(name: string, input: unknown): Promise<Result<unknown>>;
  events: { event: string; payload: unknown }[];
  sendRaw(data: string | Buffer): void;
  close(): Promise<void>;
}

export function openSocket(
  port: number,
  opts: { token?: string | null; origin?: string; host?: string; query?: string } = {},
): Promise<WebSocket> {
  const protocols = opts.token ? [`ct.${opts.token}`] : [];
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws${opts.query ?? ''}`, protocols, {
    origin: opts.origin ?? `http://127.0.0.1:${port}`,
    ...(opts.host ? { headers: { Host: opts.host } } : {}),
  });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) =>
      reject(Object.assign(new Error('refused'), { status: res.statusCode })),
    );
    ws.once('error', reject);
  });
}

export async function connectCaller(port: number, token: string): Promise<WsCaller> {
  const ws = await openSocket(port, { token });
  const pending = new Map<number, (r: Result<unknown>) => void>();
  const events: WsCaller['events'] = [];
  let seq = 0;
  ws.on('message', (data) => {
    const msg = JSON.parse(data.toString()) as {
      id?: number;
      result?: Result<unknown>;
      event?: string;
      payload?: unknown;
    };
    if (typeof msg.id === 'number' && msg.result) {
      pending.get(msg.id)?.(msg.result);
      pending.delete(msg.id);
    } else if (msg.event) {
      events.push({ event: msg.event, payload: msg.payload });
    }
  });
  return {
    events,
    call(name, input) {
      const id = ++seq;
      return new Promise((resolve, reject) => {
        pending.set(id, resolve);
        ws.send(JSON.stringify({ id, method: name, input }), (err) => err && reject(err));
      });
    },
    sendRaw(data) {
      ws.send(data);
    },
    close() {
      return new Promise((resolve) => {
        if (ws.readyState === ws.CLOSED) return resolve();
        ws.once('close', () => resolve());
        ws.close();
      });
    },
  };
}
