// Builds a real engine (real SQLite file, real transports) in a temp folder, with a manual
// clock when a test needs to move time, and helpers to drive it through the contract.

import type { Clock } from '../../main/engine/clock';
import { createEngine, type Engine } from '../../main/engine/engine';
import type { GoogleEndpoints } from '../../main/engine/gmail/endpoints';
import { type Logger, silentLogger } from '../../main/engine/log';
import { addressKey } from '../../main/engine/recipients/address';
import type { SecretStore } from '../../main/engine/secrets/secret-store';
import { createDispatcher, type Dispatch } from '../../main/rpc/dispatch';
import type { RequestInput, RequestName, RequestOutput } from '../../shared/contract';
import { limits } from './limits';
import { ManualClock } from './manual-clock';
import { MemorySecrets } from './memory-secrets';
import { seeded } from './prng';
import { openSql, type Sql } from './sql';
import { tmpDir } from './tmp';

export { limits, seeded };

export interface Harness {
  engine: Engine;
  /** The dispatcher both bindings use: schema validation and error mapping in front of the handlers. */
  dispatch: Dispatch;
  dataDir: string;
  clock: Clock;
  secrets: SecretStore;
  call<N extends RequestName>(name: N, input: RequestInput<N>): Promise<RequestOutput<N>>;
  /** Raw SQL on the engine's database file (a second connection, opened on first use). */
  sql(): Sql;
  /** Waits until the sender has nothing on the wire and no pass pending (real time). */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export async function startEngine(
  opts: {
    dataDir?: string;
    clock?: Clock;
    secrets?: SecretStore;
    random?: () => number;
    google?: GoogleEndpoints;
    log?: Logger;
    feedbackPollMs?: number;
    /** The one-click endpoint's public base URL, as the headless server passes it. */
    oneClick?: { baseUrl: string };
  } = {},
): Promise<Harness> {
  const dataDir = opts.dataDir ?? tmpDir('ct-engine-');
  const clock = opts.clock ?? new ManualClock();
  const secrets = opts.secrets ?? new MemorySecrets();
  const engine = await createEngine({
    dataDir,
    host: 'headless',
    clock,
    secrets,
    random: opts.random ?? seeded(42),
    log: opts.log ?? silentLogger,
    ...(opts.google ? { google: opts.google } : {}),
    ...(opts.feedbackPollMs ? { feedbackPollMs: opts.feedbackPollMs } : {}),
    ...(opts.oneClick ? { oneClick: opts.oneClick } : {}),
    shutdownTimeoutMs: 5_000,
  });
  await engine.start();
  const dispatch = createDispatcher(engine.handlers, opts.log ?? silentLogger);
  let sql: Sql | null = null;
  const h: Harness = {
    engine,
    dispatch,
    dataDir,
    clock,
    secrets,
    async call(name, input) {
      const r = await dispatch(name, input);
      if (!r.ok) throw Object.assign(new Error(`${name}: ${r.error.code}: ${r.error.message}`), { code: r.error.code });
      return r.value as never;
    },
    sql() {
      sql ??= openSql(dataDir);
      return sql;
    },
    async settle() {
      let quiet = 0;
      for (let i = 0; i < 20_000 && quiet < 3; i++) {
        await new Promise((r) => setTimeout(r, 2));
        quiet = engine.sender.inFlightCount() === 0 ? quiet + 1 : 0;
      }
    },
    async close() {
      sql?.close();
      sql = null;
      await engine.stop();
    },
  };
  return h;
}

/** Runs a manual clock forward, timer by timer, for `ms` of virtual time (or until nothing is due). */
export async function runFor(h: Harness, ms: number): Promise<void> {
  await advanceUntil(h, () => false, ms);
}

/**
 * Runs a manual clock forward timer by timer until `done()`. Throws when `maxMs` of virtual time
 * pass (or nothing is left to happen) first, so a test can never pass by running out of time.
 */
export async function runUntil(h: Harness, done: () => boolean, maxMs: number): Promise<void> {
  await advanceUntil(h, done, maxMs);
  if (!done()) throw new Error(`runUntil: the condition did not hold within ${maxMs} ms of virtual time`);
}

async function advanceUntil(h: Harness, done: () => boolean, maxMs: number): Promise<void> {
  const clock = h.clock as ManualClock;
  const end = clock.now() + maxMs;
  await h.settle();
  while (!done()) {
    const next = clock.nextTimerAt();
    if (next === null || next > end) break;
    clock.advance(Math.max(0, next - clock.now()));
    await h.settle();
  }
}

/** Inserts recipients straight into the store (the import path has its own suites). */
export function addRecipients(h: Harness, campaignId: number, addresses: string[]): void {
  h.engine.store.recipients.insertMany(
    campaignId,
    addresses.map((a, i) => ({ address: a, addressKey: addressKey(a), fields: { first_name: `N${i}`, email: a } })),
    h.clock.now(),
  );
  h.engine.store.campaigns.setFields(campaignId, [
    { key: 'first_name', label: 'First name' },
    { key: 'email', label: 'Email' },
  ]);
}
