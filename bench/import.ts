// Import throughput and memory: a generated CSV through the real Importer into a real SQLite
// file, with the resident set sampled every 50 ms. Run alone: node --expose-gc --import tsx bench/import.ts [rows]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { Importer } from '../main/engine/recipients/importer';
import { campaignSettings, testContext } from '../test/helpers/context';

export interface ImportBenchResult {
  rows: number;
  ms: number;
  peakRssMb: number;
  baselineRssMb: number;
  rowsPerSec: number;
  /** The longest the event loop was held during the import (the tray must stay responsive). */
  maxLoopDelayMs: number;
}

/** Writes `rows` recipients (about 1 in 200 invalid, 1 in 100 repeated) without building the file in memory. */
async function writeCsv(file: string, rows: number): Promise<void> {
  const out = fs.createWriteStream(file);
  const write = (s: string) =>
    out.write(s) ? Promise.resolve() : new Promise<void>((resolve) => out.once('drain', () => resolve()));
  await write('Email,First Name,Last Name,Company,City,Notes\r\n');
  let batch = '';
  for (let i = 1; i <= rows; i++) {
    const email =
      i % 200 === 0 ? `broken-${i}` : i % 100 === 0 ? `person${i - 1}@example.com` : `person${i}@example.com`;
    batch += `${email},First${i},Last${i},"Company ${i % 97}, Inc.",City ${i % 31},"Note with ""quotes"" ${i}"\r\n`;
    if (i % 1_000 === 0) {
      await write(batch);
      batch = '';
    }
  }
  await write(batch);
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

export async function benchImport(rows: number): Promise<ImportBenchResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ct-bench-import-'));
  const ctx = testContext(dir);
  const { store, hub } = ctx;
  const importer = new Importer(ctx);
  try {
    const file = path.join(dir, 'recipients.csv');
    await writeCsv(file, rows);
    const campaign = store.campaigns.create(campaignSettings('Bench'), Date.now());
    (globalThis as { gc?: () => void }).gc?.();
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 50);
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const started = performance.now();
    const preview = await importer.preview(campaign.id, { path: file });
    if (preview.emailColumn === null) throw new Error('the bench file has no email column');
    const report = await importer.commit(preview.importId, preview.emailColumn);
    const ms = performance.now() - started;
    clearInterval(sampler);
    loop.disable();
    peak = Math.max(peak, process.memoryUsage().rss);
    const expectedInvalid = Math.floor(rows / 200);
    if (report.rowsRead !== rows || report.invalid !== expectedInvalid) {
      throw new Error(`unexpected report: ${JSON.stringify({ ...report, issues: report.issues.length })}`);
    }
    return {
      rows,
      ms: Math.round(ms),
      peakRssMb: mb(peak),
      baselineRssMb: mb(baseline),
      rowsPerSec: Math.round(rows / (ms / 1000)),
      maxLoopDelayMs: Math.round(loop.max / 1e6),
    };
  } finally {
    await importer.dispose();
    hub.close();
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = Number(process.argv[2] ?? 100_000);
  benchImport(rows).then(
    (r) => console.log(JSON.stringify(r)),
    (err) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
