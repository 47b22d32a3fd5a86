// A raw SMTP server on loopback for the soak: it speaks enough ESMTP for nodemailer (EHLO,
// PIPELINING, AUTH PLAIN/LOGIN, MAIL, RCPT, DATA, RSET) and, per transaction, injects a random
// fault from a seeded mix. It records every message it took (also those whose answer it then
// withheld or garbled) with the moment its MAIL arrived, which is what the caps are judged by.
import net from 'node:net';

export const FAULTS = [
  'throttle421',
  'throttle450',
  'quota',
  'dropBeforeData',
  'dropAfterData',
  'slow',
  'garbled',
  'tempfail',
] as const;
export type FaultKind = (typeof FAULTS)[number];

export interface Receipt {
  to: string;
  /** When the transaction's MAIL FROM arrived (epoch ms). */
  mailAt: number;
  /** How the server answered after taking the body. */
  answer: 'ok' | 'dropped' | 'garbled';
}

export interface SoakServerOptions {
  user: string;
  pass: string;
  random: () => number;
  /** Chance per transaction of each fault (while `faultsOn`). */
  mix?: Partial<Record<FaultKind, number>>;
  /** Accept this many messages per rolling minute, answer 450 beyond (a provider's rate limit). */
  perMinuteLimit?: number;
  /** Addresses answered 550 5.1.1 at RCPT, every time. */
  rejects?: (address: string) => boolean;
}

interface Tx {
  mailAt: number;
  rcpts: string[];
  fault: FaultKind | null;
}

export class SoakServer {
  port = 0;
  readonly receipts: Receipt[] = [];
  readonly injected: Record<FaultKind | 'auth535' | 'reject550' | 'rateLimited450', number> = {
    throttle421: 0,
    throttle450: 0,
    quota: 0,
    dropBeforeData: 0,
    dropAfterData: 0,
    slow: 0,
    garbled: 0,
    tempfail: 0,
    auth535: 0,
    reject550: 0,
    rateLimited450: 0,
  };
  transactions = 0;
  faultsOn = true;
  private forced: FaultKind[] = [];
  private authFailing = false;
  private server = net.createServer((s) => this.serve(s));
  private sockets = new Set<net.Socket>();
  private accepted: number[] = [];

  constructor(private opts: SoakServerOptions) {}

  async listen(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    const addr = this.server.address();
    this.port = typeof addr === 'object' && addr ? addr.port : 0;
    return this;
  }

  /** Revokes the password: open sessions are cut, every new login gets 535 until restored. */
  setAuthFailing(on: boolean) {
    this.authFailing = on;
    if (on) for (const s of this.sockets) s.destroy();
  }

  get authIsFailing() {
    return this.authFailing;
  }

  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** The next transaction gets `fault`, whatever the dice say (throttle episodes, a spent quota). */
  forceNext(fault: FaultKind) {
    this.forced.push(fault);
  }

  private pickFault(): FaultKind | null {
    if (!this.faultsOn) return null;
    const forced = this.forced.shift();
    if (forced) return forced;
    let r = this.opts.random();
    for (const k of FAULTS) {
      const p = this.opts.mix?.[k] ?? 0;
      if (r < p) return k;
      r -= p;
    }
    return null;
  }

  private overRate(now: number): boolean {
    const limit = this.opts.perMinuteLimit;
    if (!limit) return false;
    while (this.accepted.length && this.accepted[0]! <= now - 60_000) this.accepted.shift();
    return this.accepted.length >= limit;
  }

  private serve(socket: net.Socket) {
    this.sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => this.sockets.delete(socket));
    const say = (line: string) => {
      if (!socket.destroyed) socket.write(`${line}\r\n`);
    };
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    let authed = false;
    let authStep: null | { kind: 'plain' } | { kind: 'login'; user?: string } = null;
    let tx: Tx | null = null;
    let inData = false;
    let buffered = '';
    let chain: Promise<void> = Promise.resolve();

    const checkLogin = (user: string, pass: string) => {
      if (!this.authFailing && user === this.opts.user && pass === this.opts.pass) {
        authed = true;
        say('235 2.7.0 Authentication successful');
      } else {
        this.injected.auth535++;
        say('535 5.7.8 Username and Password not accepted');
      }
    };
    const b64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');

    const handle = async (line: string) => {
      if (socket.destroyed) return;
      if (inData) {
        if (line !== '.') return;
        inData = false;
        const t = tx!;
        tx = null;
        const fault = t.fault;
        if (fault === 'dropAfterData' || fault === 'garbled') {
          for (const to of t.rcpts)
            this.receipts.push({ to, mailAt: t.mailAt, answer: fault === 'garbled' ? 'garbled' : 'dropped' });
          this.accepted.push(Date.now());
          this.injected[fault]++;
          if (fault === 'garbled') {
            say('2?0 0k qu3ued as ???');
            socket.end();
          } else socket.destroy();
          return;
        }
        if (fault === 'tempfail') {
          this.injected.tempfail++;
          // One mailbox's passing trouble, not the account's: retried without a cooldown.
          return say('450 4.2.0 Mailbox temporarily busy, please retry');
        }
        if (fault === 'slow') {
          this.injected.slow++;
          await sleep(500 + Math.floor(this.opts.random() * 2_000));
        }
        for (const to of t.rcpts) this.receipts.push({ to, mailAt: t.mailAt, answer: 'ok' });
        this.accepted.push(Date.now());
        return say(`250 2.0.0 OK queued as ${this.receipts.length}`);
      }
      if (authStep) {
        const step = authStep;
        if (step.kind === 'plain') {
          authStep = null;
          const [, user = '', pass = ''] = b64(line).split('\0');
          return checkLogin(user, pass);
        }
        if (step.user === undefined) {
          authStep = { kind: 'login', user: b64(line) };
          return say('334 UGFzc3dvcmQ6');
        }
        authStep = null;
        return checkLogin(step.user, b64(line));
      }
      const upper = line.toUpperCase();
      const verb = upper.split(' ')[0];
      switch (verb) {
        case 'EHLO':
          return say(
            '250-soak.example\r\n250-PIPELINING\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250-AUTH PLAIN LOGIN\r\n250 SIZE 52428800',
          );
        case 'HELO':
          return say('250 soak.example');
        case 'AUTH': {
          const [, mech, arg] = line.split(' ');
          if (mech?.toUpperCase() === 'PLAIN') {
            if (arg) {
              const [, user = '', pass = ''] = b64(arg).split('\0');
              return checkLogin(user, pass);
            }
            authStep = { kind: 'plain' };
            return say('334 ');
          }
          if (mech?.toUpperCase() === 'LOGIN') {
            if (arg) {
              authStep = { kind: 'login', user: b64(arg) };
              return say('334 UGFzc3dvcmQ6');
            }
            authStep = { kind: 'login' };
            return say('334 VXNlcm5hbWU6');
          }
          return say('504 5.5.4 Unrecognized authentication type');
        }
        case 'MAIL': {
          if (!authed) return say('530 5.7.0 Authentication required');
          this.transactions++;
          tx = { mailAt: Date.now(), rcpts: [], fault: this.pickFault() };
          switch (tx.fault) {
            case 'throttle421':
              this.injected.throttle421++;
              tx = null;
              say('421 4.7.0 Try again later, closing connection.');
              socket.end();
              return;
            case 'quota':
              this.injected.quota++;
              tx = null;
              return say('550 5.4.5 Daily user sending limit exceeded.');
            case 'dropBeforeData':
              this.injected.dropBeforeData++;
              tx = null;
              socket.destroy();
              return;
            default:
              return say('250 2.1.0 OK');
          }
        }
        case 'RCPT': {
          if (!tx) return say('503 5.5.1 MAIL first');
          const to = /<([^>]*)>/.exec(line)?.[1] ?? '';
          if (this.opts.rejects?.(to)) {
            this.injected.reject550++;
            return say('550 5.1.1 The email account that you tried to reach does not exist.');
          }
          if (tx.fault === 'throttle450') {
            this.injected.throttle450++;
            return say('450 4.7.1 Rate limit exceeded for this sender, try again later');
          }
          if (this.overRate(Date.now())) {
            this.injected.rateLimited450++;
            return say('450 4.7.1 Error: too many messages per minute, slow down');
          }
          tx.rcpts.push(to);
          return say('250 2.1.5 OK');
        }
        case 'DATA':
          if (!tx || tx.rcpts.length === 0) return say('554 5.5.1 No valid recipients');
          inData = true;
          return say('354 Go ahead');
        case 'RSET':
          tx = null;
          return say('250 2.0.0 OK');
        case 'NOOP':
          return say('250 2.0.0 OK');
        case 'QUIT':
          say('221 2.0.0 Bye');
          socket.end();
          return;
        default:
          return say('502 5.5.2 Command not recognized');
      }
    };

    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('latin1');
      const lines = buffered.split('\r\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) chain = chain.then(() => handle(line));
    });
    say('220 soak.example ESMTP ready');
  }
}
