// Child processes for the bench: every contender runs alone in its own process so its CPU time
// and memory are its own, and the sink runs in another.
import { type ChildProcess, fork } from 'node:child_process';
import path from 'node:path';
import type { SinkMessage, SinkRequest, SinkStats } from './sink';

const here = import.meta.dirname;
export const benchDir = path.resolve(here, '..');

type Envelope = { type: 'result'; value: unknown } | { type: 'error'; message: string } | { type: string };

export function forkTs(script: string, args: string[] = [], opts: { silent?: boolean } = {}): ChildProcess {
  return fork(path.resolve(benchDir, script), args, {
    execArgv: ['--expose-gc', '--import', 'tsx'],
    stdio: opts.silent ? ['ignore', 'ignore', 'inherit', 'ipc'] : ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

/** The next IPC message of `type` from `child`; rejects if the child exits first. */
export function nextMessage<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onMessage = (m: Envelope) => {
      if (m.type === 'error') {
        done();
        reject(new Error(`${path.basename(String(child.spawnfile))}: ${(m as { message: string }).message}`));
      } else if (m.type === type) {
        done();
        resolve(m as T);
      }
    };
    const onExit = (code: number | null, signal: string | null) => {
      done();
      reject(new Error(`child exited (${signal ?? code}) before sending ${type}`));
    };
    const done = () => {
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

/** Runs a contender to completion and returns what it reported. */
export async function runChild<R>(script: string, args: string[]): Promise<R> {
  const child = forkTs(script, args);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const m = await nextMessage<{ value: R }>(child, 'result');
    return m.value;
  } finally {
    await exited;
  }
}

/** Child side: run `fn`, send its result to the parent, exit. */
export function childMain<R>(fn: () => Promise<R>): void {
  fn().then(
    (value) => {
      process.send?.({ type: 'result', value }, () => process.exit(0));
    },
    (err: unknown) => {
      const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
      process.send?.({ type: 'error', message }, () => process.exit(1));
    },
  );
}

export interface Sink {
  port: number;
  pid: number;
  reset(): Promise<void>;
  stats(): Promise<SinkStats>;
  close(): Promise<void>;
}

export async function startSink(opts: { stall?: boolean } = {}): Promise<Sink> {
  const child = forkTs('lib/sink.ts', opts.stall ? ['--stall'] : []);
  const { port } = await nextMessage<Extract<SinkMessage, { type: 'ready' }>>(child, 'ready');
  const ask = async (req: SinkRequest) => {
    const reply = nextMessage<SinkStats>(child, 'stats');
    child.send(req);
    return reply;
  };
  return {
    port,
    pid: child.pid ?? 0,
    reset: async () => {
      await ask({ cmd: 'reset' });
    },
    stats: () => ask({ cmd: 'stats' }),
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.send({ cmd: 'close' } satisfies SinkRequest);
      }),
  };
}
