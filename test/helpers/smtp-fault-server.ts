// A real SMTP server on loopback whose answers a test scripts per recipient: accept, reply with
// any code at MAIL/RCPT/DATA, stall, or drop the connection in the middle of DATA.
import type net from 'node:net';
import { SMTPServer } from 'smtp-server';

export type Fault =
  | { kind: 'accept' }
  | { kind: 'delay'; ms: number; then: Fault }
  /** Holds the answer until `until` settles (a test's own event), then behaves as `then`. */
  | { kind: 'hold'; until: Promise<unknown>; then: Fault }
  | { kind: 'reply'; stage: 'mail' | 'rcpt' | 'data'; code: number; message: string }
  | { kind: 'drop'; stage: 'data' };

/** A stalled answer: waits `ms`, then behaves as `fault` (a builder, so callers need not spell `then`). */
export function delayed(ms: number, fault: Fault): Fault {
  // biome-ignore lint/suspicious/noThenProperty: the Fault shape names its continuation `then`; it is data, never called.
  return { kind: 'delay', ms, then: fault };
}

export interface Received {
  from: string;
  to: string[];
  messageId: string | null;
  raw: Buffer;
  at: number;
}

export type Script = (ctx: { rcpt: string; attempt: number }) => Fault;

export interface FaultServer {
  port: number;
  /** Messages whose DATA the server answered with 250 (also when the client had given up waiting). */
  received: Received[];
  setScript(fn: Script): void;
  /** While true, every login fails with 535, right password or not (a revoked password). */
  authFails: boolean;
  close(): Promise<void>;
}

/** A held answer: waits for `until`, then behaves as `fault`. */
export function held(until: Promise<unknown>, fault: Fault): Fault {
  // biome-ignore lint/suspicious/noThenProperty: the Fault shape names its continuation `then`; it is data, never called.
  return { kind: 'hold', until, then: fault };
}

/** What the script decided for one recipient in one transaction, delays and holds folded together. */
type Final = Exclude<Fault, { kind: 'delay' } | { kind: 'hold' }>;
interface Decision {
  delayMs: number;
  holds: Promise<unknown>[];
  fault: Final;
}

function resolve(f: Fault, delayMs = 0, holds: Promise<unknown>[] = []): Decision {
  if (f.kind === 'delay') return resolve(f.then, delayMs + Math.max(0, f.ms), holds);
  if (f.kind === 'hold') return resolve(f.then, delayMs, [...holds, f.until]);
  return { delayMs, holds, fault: f };
}

/** Waits out a decision's holds, then its delay. */
async function wait(d: Decision, timers: Set<NodeJS.Timeout>): Promise<void> {
  await Promise.allSettled(d.holds);
  await sleep(d.delayMs, timers);
}

function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

function messageIdOf(raw: Buffer): string | null {
  const head = raw.subarray(0, Math.max(0, raw.indexOf('\r\n\r\n'))).toString('latin1');
  const m = /^message-id:[ \t]*(.*(?:\r\n[ \t].*)*)/im.exec(head);
  return m?.[1] ? m[1].replace(/\r\n/g, '').trim() : null;
}

/**
 * Reads what the client sends, beside the real parser, to learn the recipients of a transaction
 * before MAIL FROM is answered: nodemailer pipelines MAIL, RCPT and DATA in one write, so a
 * script keyed on the recipient can still fail the MAIL stage.
 */
class Sniffer {
  rcpts: string[] = [];
  inData = false;
  private partial = '';
  constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => this.feed(chunk.toString('latin1')));
  }
  private feed(text: string) {
    const lines = (this.partial + text).split('\r\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) {
      if (this.inData) {
        if (line === '.') this.inData = false;
        continue;
      }
      const upper = line.toUpperCase();
      if (upper.startsWith('MAIL FROM:')) this.rcpts = [];
      else if (upper.startsWith('RCPT TO:')) {
        const m = /<([^>]*)>/.exec(line);
        if (m?.[1]) this.rcpts.push(m[1]);
      }
    }
  }
}

const sleep = (ms: number, timers: Set<NodeJS.Timeout>) =>
  new Promise<void>((done) => {
    if (ms <= 0) return done();
    const t = setTimeout(() => {
      timers.delete(t);
      done();
    }, ms);
    timers.add(t);
  });

export async function startFaultServer(
  opts: { auth?: { user: string; pass: string }; script?: Script } = {},
): Promise<FaultServer> {
  let script: Script = opts.script ?? (() => ({ kind: 'accept' }));
  const attempts = new Map<string, number>();
  const sniffers = new Map<number, Sniffer>();
  /** Per connection (remote port): the decisions of the transaction in progress. */
  const transactions = new Map<number, Map<string, Decision>>();
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<net.Socket>();

  const decide = (port: number, rcpt: string): Decision => {
    let tx = transactions.get(port);
    if (!tx) {
      tx = new Map();
      transactions.set(port, tx);
    }
    const key = rcpt.toLowerCase();
    const known = tx.get(key);
    if (known) return known;
    const attempt = (attempts.get(key) ?? 0) + 1;
    attempts.set(key, attempt);
    const d = resolve(script({ rcpt, attempt }));
    tx.set(key, d);
    return d;
  };

  const state: FaultServer = {
    port: 0,
    received: [],
    authFails: false,
    setScript(fn) {
      script = fn;
    },
    close: async () => {},
  };

  const server = new SMTPServer({
    logger: false,
    disableReverseLookup: true,
    disabledCommands: opts.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !opts.auth,
    allowInsecureAuth: true,
    // The script's message carries its own enhanced code, e.g. "5.1.1 User unknown".
    hideENHANCEDSTATUSCODES: true,
    onAuth(auth, _session, cb) {
      const ok = opts.auth && auth.username === opts.auth.user && auth.password === opts.auth.pass;
      if (state.authFails || !ok) return cb(smtpError(535, '5.7.8 Authentication credentials invalid'));
      cb(null, { user: auth.username });
    },
    onMailFrom(_address, session, cb) {
      void (async () => {
        transactions.delete(session.remotePort);
        const sniffer = sniffers.get(session.remotePort);
        // The RCPT lines usually arrive in the same packet; give a split write a moment.
        for (let i = 0; i < 10 && sniffer && sniffer.rcpts.length === 0; i++) await sleep(10, timers);
        const first = sniffer?.rcpts[0];
        for (const r of sniffer?.rcpts ?? []) decide(session.remotePort, r);
        const d = first ? decide(session.remotePort, first) : null;
        if (d?.fault.kind === 'reply' && d.fault.stage === 'mail') {
          await wait(d, timers);
          return cb(smtpError(d.fault.code, d.fault.message));
        }
        cb();
      })();
    },
    onRcptTo(address, session, cb) {
      void (async () => {
        const d = decide(session.remotePort, address.address);
        // A MAIL-stage fault of a later recipient (or of a client that does not pipeline) lands here.
        if (d.fault.kind === 'reply' && d.fault.stage !== 'data') {
          await wait(d, timers);
          return cb(smtpError(d.fault.code, d.fault.message));
        }
        cb();
      })();
    },
    onData(stream, session, cb) {
      const sniffer = sniffers.get(session.remotePort);
      if (sniffer) sniffer.inData = true;
      const to = session.envelope.rcptTo.map((r) => r.address);
      const d = decide(session.remotePort, to[0] ?? '');
      const chunks: Buffer[] = [];
      if (d.fault.kind === 'drop') {
        stream.once('data', () => {
          void wait(d, timers).then(() => sniffer?.socket.destroy());
        });
        stream.resume();
        return;
      }
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        void (async () => {
          await wait(d, timers);
          if (d.fault.kind === 'reply') return cb(smtpError(d.fault.code, d.fault.message));
          const raw = Buffer.concat(chunks);
          const mailFrom = session.envelope.mailFrom;
          state.received.push({
            from: mailFrom ? mailFrom.address : '',
            to,
            messageId: messageIdOf(raw),
            raw,
            at: Date.now(),
          });
          cb(null, `2.0.0 OK queued as ${state.received.length}`);
        })();
      });
    },
  });
  // A dropped or destroyed connection is the point of some scripts, not a failure of the server.
  server.on('error', () => {});
  server.server.on('connection', (socket: net.Socket) => {
    const port = socket.remotePort ?? 0;
    sockets.add(socket);
    sniffers.set(port, new Sniffer(socket));
    socket.once('close', () => {
      sockets.delete(socket);
      sniffers.delete(port);
      transactions.delete(port);
    });
  });

  await new Promise<void>((done, fail) => {
    server.server.once('error', fail);
    server.listen(0, '127.0.0.1', () => done());
  });
  const addr = server.server.address();
  state.port = typeof addr === 'object' && addr ? addr.port : 0;
  state.close = () =>
    new Promise<void>((done) => {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const s of sockets) s.destroy();
      server.close(() => done());
    });
  return state;
}
