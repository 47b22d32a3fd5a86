// A small pool of SMTP sessions over nodemailer's SMTPConnection. We drive the sessions ourselves
// (instead of nodemailer's pool) for one fact the ledger needs: whether the whole message had been
// handed to the server when a connection broke. SMTPConnection pipes our message through its
// dot-escaping stream into the socket, and that stream ends only after its final CRLF.CRLF went
// into the socket. Before that moment a break means the server cannot have accepted the message
// (safe to retry); after it, with no answer, it may have been delivered (uncertain: never resent
// silently).
import { Readable } from 'node:stream';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { NETWORK_CODES } from '../network-codes';

export interface PoolOptions {
  connection: SMTPConnection.Options;
  auth: { user: string; pass: string } | null;
  /** Sessions open at once. */
  maxConnections: number;
  /** Messages per session before it is renewed. */
  maxMessages: number;
  /** Keep sessions between sends; false: one session per message. */
  keepAlive: boolean;
  /** An idle session is closed after this long. */
  idleMs: number;
}

export interface SendOutcome {
  response: string;
}

/** A send that failed in a session, with whether the whole message had been handed over. */
export class SessionSendError extends Error {
  constructor(
    override readonly cause: unknown,
    readonly handedOver: boolean,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = 'SessionSendError';
  }
}

interface Session {
  conn: SMTPConnection;
  messages: number;
  broken: boolean;
  idleTimer: NodeJS.Timeout | null;
}

export class SmtpSessionPool {
  private idle: Session[] = [];
  private open = 0;
  private waiting: (() => void)[] = [];
  private closed = false;

  constructor(private opts: PoolOptions) {}

  async send(envelope: { from: string; to: string[] }, raw: Buffer): Promise<SendOutcome> {
    // A kept-open session the server closed while idle fails before reading the body: one retry
    // on a fresh session, as nodemailer's own pool does, can never duplicate.
    for (let attempt = 0; ; attempt++) {
      const { session, reused } = await this.acquire();
      const body = Readable.from([raw]);
      const handover = watchHandover(body);
      try {
        const info = await new Promise<{ response?: string }>((resolve, reject) =>
          session.conn.send(envelope, body, (err, result) => (err ? reject(err) : resolve(result))),
        );
        this.release(session);
        return { response: String(info.response ?? '250 OK') };
      } catch (err) {
        const handedOver = handover.done;
        await this.afterFailure(session, err);
        const code = (err as { code?: string }).code ?? '';
        // Nothing of the message was read yet: a fresh session cannot duplicate it.
        if (!body.readableDidRead && reused && attempt === 0 && NETWORK_CODES.has(code)) continue;
        throw new SessionSendError(err, handedOver);
      }
    }
  }

  /** Opens a session and logs in, without sending. */
  async verify(): Promise<void> {
    const s = await this.connect();
    s.conn.quit();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const s of this.idle.splice(0)) this.end(s);
    for (const w of this.waiting.splice(0)) w();
  }

  private async acquire(): Promise<{ session: Session; reused: boolean }> {
    for (;;) {
      if (this.closed) throw new SessionSendError(new Error('The SMTP connection was closed.'), false);
      const s = this.idle.pop();
      if (s) {
        if (s.idleTimer) clearTimeout(s.idleTimer);
        s.idleTimer = null;
        if (!s.broken) return { session: s, reused: true };
        this.end(s);
        continue;
      }
      if (this.open < this.opts.maxConnections) {
        this.open++;
        try {
          const session = await this.connect();
          if (this.closed) {
            // Closed while this session was being opened: it never carries a message.
            session.conn.quit();
            throw new Error('The SMTP connection was closed.');
          }
          return { session, reused: false };
        } catch (err) {
          this.open--;
          this.wakeOne();
          throw new SessionSendError(err, false);
        }
      }
      await new Promise<void>((r) => this.waiting.push(r));
    }
  }

  private connect(): Promise<Session> {
    const conn = new SMTPConnection(this.opts.connection);
    const session: Session = { conn, messages: 0, broken: false, idleTimer: null };
    // Errors after a send belong to that send's callback; later ones only mark the session dead.
    conn.on('error', () => {
      session.broken = true;
    });
    conn.once('end', () => {
      session.broken = true;
    });
    return new Promise((resolve, reject) => {
      let settled = false;
      // Until the session is ready, a socket error or close ends the attempt (nodemailer reports
      // some of them as events rather than through the connect callback).
      const fail = (err: unknown) => {
        if (settled) return;
        settled = true;
        conn.close();
        reject(err);
      };
      const closedEarly = () =>
        fail(Object.assign(new Error('Connection closed before the session was ready'), { code: 'ECONNECTION' }));
      conn.once('error', fail);
      conn.once('end', closedEarly);
      const ready = () => {
        if (settled) return;
        settled = true;
        conn.removeListener('error', fail);
        conn.removeListener('end', closedEarly);
        resolve(session);
      };
      conn.connect((err) => {
        if (err) return fail(err);
        if (!this.opts.auth || !conn.allowsAuth) return ready();
        conn.login(this.opts.auth, (loginErr) => (loginErr ? fail(loginErr) : ready()));
      });
    });
  }

  private release(s: Session): void {
    s.messages++;
    if (this.closed || s.broken || !this.opts.keepAlive || s.messages >= this.opts.maxMessages) {
      this.end(s);
      return;
    }
    s.idleTimer = setTimeout(() => {
      this.idle = this.idle.filter((x) => x !== s);
      this.end(s);
    }, this.opts.idleMs);
    s.idleTimer.unref();
    this.idle.push(s);
    this.wakeOne();
  }

  /** A refusal leaves the session usable after RSET; a broken connection is dropped. */
  private async afterFailure(s: Session, err: unknown): Promise<void> {
    const e = err as { code?: string; responseCode?: number };
    const refusal = (e.code === 'EENVELOPE' || e.code === 'EMESSAGE') && e.responseCode !== 421;
    if (refusal && !s.broken && this.opts.keepAlive) {
      // nodemailer never calls back a RSET whose connection closes first: settle on that too.
      const ok = await new Promise<boolean>((r) => {
        const gone = () => r(false);
        s.conn.once('end', gone);
        s.conn.once('error', gone);
        s.conn.reset((resetErr) => {
          s.conn.removeListener('end', gone);
          s.conn.removeListener('error', gone);
          r(!resetErr);
        });
      });
      if (ok) {
        this.release(s);
        return;
      }
    }
    this.end(s);
  }

  private end(s: Session): void {
    if (s.idleTimer) clearTimeout(s.idleTimer);
    s.idleTimer = null;
    s.broken = true;
    try {
      s.conn.quit();
    } catch {
      s.conn.close();
    }
    this.open = Math.max(0, this.open - 1);
    this.wakeOne();
  }

  private wakeOne(): void {
    this.waiting.shift()?.();
  }
}

/**
 * Watches where SMTPConnection pipes the message: into its dot-escaping stream, whose readable side
 * ends once the terminating CRLF.CRLF has been written to the socket. `done` is true from then on.
 */
function watchHandover(body: Readable): { done: boolean } {
  const state = { done: false };
  const pipe = body.pipe.bind(body);
  body.pipe = ((dest: NodeJS.WritableStream, opts?: { end?: boolean }) => {
    (dest as unknown as Readable).once('end', () => {
      state.done = true;
    });
    return pipe(dest, opts);
  }) as typeof body.pipe;
  return state;
}
