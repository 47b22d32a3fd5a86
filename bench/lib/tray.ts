// Campaign Tray as the bench drives it: createEngine, then only the contract (through the
// dispatcher both bindings use) and the hub's events, as the tray window would. Nothing here
// reaches into the engine's parts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Clock, systemClock } from '../../main/engine/clock';
import { createEngine, type Engine } from '../../main/engine/engine';
import { silentLogger } from '../../main/engine/log';
import { createDispatcher } from '../../main/rpc/dispatch';
import type { RequestInput, RequestName, RequestOutput } from '../../shared/contract';
import type { Campaign, Limits } from '../../shared/domain';
import { MemorySecrets } from '../../test/helpers/memory-secrets';
import { HTML, SUBJECT, TEXT } from './message';

export interface Tray {
  engine: Engine;
  dataDir: string;
  call<N extends RequestName>(name: N, input: RequestInput<N>): Promise<RequestOutput<N>>;
  /** Resolves when the campaign is done; rejects when it stops for any other reason. */
  finished(campaignId: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export const tmpDir = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), prefix));

/** Caps out of the way (the contract's maxima) for the throughput runs. */
export const LIFTED: Partial<Limits> = {
  perMinute: 10_000,
  perHour: 100_000,
  perDay: 1_000_000,
  reserve: 0,
  minGapMs: 0,
  maxGapMs: 0,
};

export async function openTray(dataDir: string, opts: { clock?: Clock } = {}): Promise<Tray> {
  // 'electron' lets the importer read a local path, as the tray app does.
  const engine = await createEngine({
    dataDir,
    host: 'electron',
    clock: opts.clock ?? systemClock,
    secrets: new MemorySecrets(),
    log: silentLogger,
    shutdownTimeoutMs: 5_000,
  });
  await engine.start();
  // Validation in front of the handlers, as both bindings (IPC, WebSocket) put it.
  const dispatch = createDispatcher(engine.handlers, silentLogger);
  const call: Tray['call'] = async (name, input) => {
    const r = await dispatch(name, input);
    if (!r.ok) throw new Error(`${name}: ${r.error.code}: ${r.error.message}`);
    return r.value as never;
  };
  return {
    engine,
    dataDir,
    call,
    finished(campaignId, timeoutMs = 600_000) {
      return new Promise<void>((resolve, reject) => {
        let settled = false;
        const check = async () => {
          if (settled) return;
          const c = await call('campaigns.get', { id: campaignId });
          if (settled) return;
          if (c.status === 'done') finish();
          else if (c.status !== 'sending' && c.status !== 'draft')
            finish(new Error(`campaign stopped: ${c.status} ${c.pausedReason ?? ''}`));
        };
        const finish = (err?: Error) => {
          settled = true;
          clearInterval(poll);
          clearTimeout(limit);
          unsubscribe();
          if (err) reject(err);
          else resolve();
        };
        // Status changes arrive as events; the poll is only a backstop for a missed one.
        const unsubscribe = engine.hub.subscribe((event) => {
          if (event !== 'campaign.progress' && event !== 'import.progress') void check();
        });
        const poll = setInterval(() => void check(), 25);
        const limit = setTimeout(() => finish(new Error('campaign did not finish in time')), timeoutMs);
      });
    },
    close: () => engine.stop(),
  };
}

export async function addSinkAccounts(t: Tray, port: number, n: number, limits: Partial<Limits>): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = await t.call('accounts.addSmtp', {
      label: `Sink ${i + 1}`,
      fromName: 'Bench',
      fromAddress: `sender${i + 1}@bench.example`,
      preset: 'custom',
      smtp: { host: '127.0.0.1', port, security: 'none', username: null, timeoutMs: 30_000 },
      password: null,
      limits,
      verify: false,
    });
    ids.push(a.id);
  }
  return ids;
}

export function benchCampaign(t: Tray, name: string, pool: number[]): Promise<Campaign> {
  return t.call('campaigns.create', {
    name,
    pool,
    template: { subject: SUBJECT, body: HTML, format: 'html', text: TEXT },
    retry: { maxAttempts: 3, baseDelayMs: 1_000, maxDelayMs: 5_000 },
  });
}

export async function importFile(t: Tray, campaignId: number, file: string) {
  // The file as the desktop shell hands it over: registered by the main process, named by its id.
  const { fileId } = t.engine.files.register({
    path: file,
    name: path.basename(file),
    owned: false,
    size: fs.statSync(file).size,
  });
  const preview = await t.call('recipients.importPreview', { campaignId, source: { fileId } });
  if (preview.emailColumn === null) throw new Error('the bench file has no email column');
  return t.call('recipients.importCommit', { importId: preview.importId, emailColumn: preview.emailColumn });
}

/** A file sent inline, as a page without a file picker would (the soak's app runs in another process). */
export const uploadOf = (file: string) => ({
  upload: { name: path.basename(file), base64: fs.readFileSync(file).toString('base64') },
});

export const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

/** Peak resident set, sampled every 20 ms until stopped. */
export function rssSampler() {
  let peak = process.memoryUsage().rss;
  const t = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  return {
    stop() {
      clearInterval(t);
      return mb(Math.max(peak, process.memoryUsage().rss));
    },
  };
}
