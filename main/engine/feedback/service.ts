// Runs one reader per sending account that has feedback turned on: read what is new, commit each
// message, then wait for new mail (IMAP IDLE, or the polling interval). A failing mailbox backs off
// and says why on the account's reader; it never touches sending.
import type { Account } from '../../../shared/domain';
import type { EngineContext } from '../context';
import type { CommitResult, ReaderRecord } from '../store/feedback';
import { announceFeedback } from './announce';
import type { MailboxReader } from './imap-reader';
import type { MailboxMessage } from './process';

export const DEFAULT_POLL_MS = 60_000;
const MAX_BACKOFF_MS = 15 * 60_000;

export interface FeedbackServiceDeps {
  openReader(account: Account, reader: ReaderRecord): Promise<MailboxReader>;
  process(accountId: number, m: MailboxMessage): Promise<CommitResult>;
  pollMs?: number;
}

/** A reader that cannot start until the user acts (a missing password, a scope not granted). */
export class ReaderBlocked extends Error {
  constructor(
    message: string,
    readonly status: 'error' | 'needs_consent' = 'error',
  ) {
    super(message);
  }
}

interface Loop {
  abort: AbortController;
  kick: () => void;
  done: Promise<void>;
  /** Passes started so far. */
  pass: number;
  /** Each resolves when a pass that started after the request has ended. */
  passWaiters: { after: number; resolve: () => void }[];
}

export class FeedbackService {
  private loops = new Map<number, Loop>();
  private stopped = false;

  constructor(
    private readonly ctx: EngineContext,
    private readonly deps: FeedbackServiceDeps,
  ) {}

  start(): void {
    for (const r of this.ctx.store.feedback.readers()) if (r.enabled) this.ensure(r.accountId);
  }

  /** After the user changed a reader (on, off, new settings): restart it with what is stored. */
  async restart(accountId: number): Promise<void> {
    await this.halt(accountId);
    const r = this.ctx.store.feedback.reader(accountId);
    if (r?.enabled && !this.stopped) this.ensure(accountId);
  }

  /** Reads now instead of waiting for the interval; resolves when that pass is done. */
  readNow(accountId: number): Promise<void> {
    const loop = this.loops.get(accountId);
    if (!loop) return Promise.resolve();
    return new Promise((resolve) => {
      loop.passWaiters.push({ after: loop.pass, resolve });
      loop.kick();
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.loops.keys()].map((id) => this.halt(id)));
  }

  private async halt(accountId: number): Promise<void> {
    const loop = this.loops.get(accountId);
    if (!loop) return;
    loop.abort.abort();
    loop.kick();
    await loop.done;
    this.loops.delete(accountId);
  }

  private ensure(accountId: number): void {
    if (this.loops.has(accountId)) return;
    const abort = new AbortController();
    let kick = () => {};
    const loop: Loop = { abort, kick: () => kick(), done: Promise.resolve(), pass: 0, passWaiters: [] };
    this.loops.set(accountId, loop);
    loop.done = this.run(accountId, loop, (k) => {
      kick = k;
    });
  }

  private async run(accountId: number, loop: Loop, setKick: (k: () => void) => void): Promise<void> {
    const { store, clock, log } = this.ctx;
    const pollMs = this.deps.pollMs ?? DEFAULT_POLL_MS;
    const signal = loop.abort.signal;
    let reader: MailboxReader | null = null;
    let failures = 0;
    const finishPass = (all = false) => {
      const ready = loop.passWaiters.filter((w) => all || w.after < loop.pass);
      loop.passWaiters = loop.passWaiters.filter((w) => !ready.includes(w));
      for (const w of ready) w.resolve();
    };
    const pause = (ms: number) =>
      new Promise<void>((resolve) => {
        const wake = new AbortController();
        setKick(() => wake.abort());
        const any = AbortSignal.any([signal, wake.signal]);
        if (reader) void reader.wait(ms, any).then(resolve);
        else {
          const t = setTimeout(resolve, ms);
          any.addEventListener(
            'abort',
            () => {
              clearTimeout(t);
              resolve();
            },
            { once: true },
          );
        }
      });

    while (!signal.aborted) {
      const record = store.feedback.reader(accountId);
      const account = store.accounts.get(accountId);
      if (!record?.enabled || !account) break;
      loop.pass++;
      try {
        reader ??= await this.deps.openReader(account, record);
        store.feedback.setStatus(accountId, 'reading', null, clock.now());
        for await (const m of reader.read(record.cursor)) {
          const result = await this.deps.process(accountId, m);
          announceFeedback(this.ctx, account.id, result);
          if (signal.aborted) break;
        }
        if (signal.aborted) break;
        store.feedback.setStatus(accountId, 'idle', null, clock.now());
        failures = 0;
        finishPass();
        await pause(pollMs);
      } catch (err) {
        failures++;
        const blocked = err instanceof ReaderBlocked;
        const message = blocked ? err.message : readerError(err);
        store.feedback.setStatus(accountId, blocked ? err.status : 'error', message, clock.now());
        this.ctx.hub.emit('feedback.changed', { accountId, campaignId: null });
        if (failures === 1)
          this.ctx.activity('warn', `Reading feedback for ${account.label} failed: ${message}`, { accountId });
        log.warn(`feedback reader ${accountId}: ${message}`);
        await reader?.close().catch(() => {});
        reader = null;
        finishPass();
        await pause(Math.min(MAX_BACKOFF_MS, pollMs * 2 ** Math.min(failures, 10)));
      }
    }
    await reader?.close().catch(() => {});
    finishPass(true);
  }
}

/** One sentence for the reader's status line; imapflow puts the server's words in responseText. */
function readerError(err: unknown): string {
  const e = err as { authenticationFailed?: boolean; responseText?: string; code?: string; message?: string };
  if (e.authenticationFailed)
    return `The mail server refused the login${e.responseText ? ` (${e.responseText})` : ''}. Check the IMAP user name and password.`;
  if (e.code === 'ECONNREFUSED' || e.code === 'ENOTFOUND' || e.code === 'ETIMEDOUT')
    return `Cannot reach the IMAP server (${e.code}). Check the host and port.`;
  return (e.responseText || e.message || 'Unknown error').slice(0, 300);
}
