// The soak's handle on the sending process: start, SIGKILL, restart, and contract calls over IPC.
// A call that is cut off by a kill rejects with `killed`, as a window would see a dead app.
import { type ChildProcess, fork } from 'node:child_process';
import path from 'node:path';
import type { RequestInput, RequestName, RequestOutput } from '../../shared/contract';
import type { Result } from '../../shared/result';
import type { AppMessage } from './app-process';

export class Killed extends Error {
  constructor() {
    super('killed');
  }
}

export class SoakApp {
  private child: ChildProcess | null = null;
  private seq = 0;
  private pending = new Map<number, { resolve: (r: Result<unknown>) => void; reject: (e: Error) => void }>();
  private exited: Promise<void> = Promise.resolve();
  /** Exits the soak did not cause (a crash is a finding). */
  unexpectedExits: string[] = [];
  starts = 0;
  kills = 0;
  onEvent: (event: string, payload: unknown) => void = () => {};

  constructor(readonly dataDir: string) {}

  get alive() {
    return this.child !== null;
  }

  async start(): Promise<void> {
    const child = fork(path.join(import.meta.dirname, 'app-process.ts'), [this.dataDir], {
      execArgv: ['--import', 'tsx'],
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let expected = false;
    const ready = new Promise<void>((resolve, reject) => {
      child.on('message', (m: AppMessage) => {
        if (m.type === 'ready') resolve();
        else if (m.type === 'reply') {
          const p = this.pending.get(m.id);
          this.pending.delete(m.id);
          p?.resolve(m.result as Result<unknown>);
        } else if (m.type === 'event') this.onEvent(m.event, m.payload);
      });
      child.once('exit', (code, signal) => reject(new Error(`the app exited while starting (${signal ?? code})`)));
    });
    this.exited = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        if (!expected && this.child === child) this.unexpectedExits.push(`${signal ?? code}`);
        if (this.child === child) this.child = null;
        for (const p of this.pending.values()) p.reject(new Killed());
        this.pending.clear();
        resolve();
      });
    });
    (child as ChildProcess & { expectExit?: () => void }).expectExit = () => {
      expected = true;
    };
    this.child = child;
    this.starts++;
    await ready;
  }

  /** SIGKILL: no shutdown path runs, whatever was on the wire stays `sending`. */
  async kill(): Promise<void> {
    const c = this.child as (ChildProcess & { expectExit?: () => void }) | null;
    if (!c) return;
    c.expectExit?.();
    c.kill('SIGKILL');
    this.kills++;
    await this.exited;
  }

  /** The orderly way out (what quitting the tray does). */
  async stop(): Promise<void> {
    const c = this.child as (ChildProcess & { expectExit?: () => void }) | null;
    if (!c) return;
    c.expectExit?.();
    c.kill('SIGTERM');
    await this.exited;
  }

  /** The raw Result, for the fuzz pass. */
  dispatch(name: string, input: unknown): Promise<Result<unknown>> {
    const c = this.child;
    if (!c) return Promise.reject(new Killed());
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      c.send({ id, name, input });
    });
  }

  async call<N extends RequestName>(name: N, input: RequestInput<N>): Promise<RequestOutput<N>> {
    const r = await this.dispatch(name, input);
    if (!r.ok) throw Object.assign(new Error(`${name}: ${r.error.code}: ${r.error.message}`), { code: r.error.code });
    return r.value as RequestOutput<N>;
  }
}
