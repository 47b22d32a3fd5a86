// `npm run bench`: prints a table and writes bench/results/<date>.json. Each throughput figure
// is the median of several runs made in this one process, since machines here are noisy.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchImport } from './import';
import { benchCapAccuracy, benchOutbox, benchSmtp, type SendBench } from './send';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function medianOf(label: string, fn: () => Promise<SendBench>) {
  const runs: SendBench[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(await fn());
  return {
    label,
    recipients: runs[0]!.recipients,
    medianMs: median(runs.map((r) => r.ms)),
    medianPerSec: median(runs.map((r) => r.perSec)),
    loopDelayMaxMs: Math.max(...runs.map((r) => r.loopDelayMaxMs)),
    runs: runs.map((r) => r.perSec),
  };
}

const smtp = await medianOf('1,000 recipients, 2 SMTP accounts on loopback, unthrottled', () => benchSmtp(1_000));
const outbox = await medianOf('1,000 recipients, local test outbox, unthrottled', () => benchOutbox(1_000));
const caps = await benchCapAccuracy();
const imports = [];
for (let i = 0; i < RUNS; i++) imports.push(await benchImport(100_000));
const imp = {
  rows: 100_000,
  medianMs: median(imports.map((r) => r.ms)),
  medianRowsPerSec: median(imports.map((r) => r.rowsPerSec)),
  peakRssMb: Math.max(...imports.map((r) => r.peakRssMb)),
  baselineRssMb: median(imports.map((r) => r.baselineRssMb)),
  maxLoopDelayMs: Math.max(...imports.map((r) => r.maxLoopDelayMs)),
};

console.log(
  '\nCampaign Tray benchmarks (medians of %d runs, %s, Node %s)\n',
  RUNS,
  os.cpus()[0]?.model ?? 'cpu',
  process.versions.node,
);
console.table([
  {
    bench: smtp.label,
    median: `${smtp.medianPerSec} msg/s`,
    time: `${smtp.medianMs} ms`,
    'max loop block': `${smtp.loopDelayMaxMs} ms`,
  },
  {
    bench: outbox.label,
    median: `${outbox.medianPerSec} msg/s`,
    time: `${outbox.medianMs} ms`,
    'max loop block': `${outbox.loopDelayMaxMs} ms`,
  },
  {
    bench: '100,000-row CSV import',
    median: `${imp.medianRowsPerSec} rows/s`,
    time: `${imp.medianMs} ms`,
    'max loop block': `${imp.maxLoopDelayMs} ms; peak RSS ${imp.peakRssMb} MB (baseline ${imp.baselineRssMb} MB)`,
  },
]);
console.log('Cap accuracy over a simulated day (consumer-Gmail-like caps):');
console.table([
  { window: '1 minute', cap: caps.caps.perMinute, busiest: caps.busiest.minute },
  { window: '1 hour', cap: caps.caps.perHour, busiest: caps.busiest.hour },
  { window: '24 hours', cap: caps.caps.usablePerDay, busiest: caps.busiest.day },
]);

const out = {
  at: new Date().toISOString(),
  node: process.versions.node,
  cpus: os.cpus().length,
  runs: RUNS,
  smtp,
  outbox,
  import: imp,
  caps,
};
const dir = path.join(import.meta.dirname, 'results');
fs.mkdirSync(dir, { recursive: true });
const file = path.join(dir, `bench-${out.at.replace(/[:.]/g, '-')}.json`);
fs.writeFileSync(file, JSON.stringify(out, null, 2));
fs.writeFileSync(path.join(dir, 'latest.json'), JSON.stringify(out, null, 2));
console.log(`\nWrote ${path.relative(process.cwd(), file)}`);
