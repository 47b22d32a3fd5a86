// Contender 2, Campaign Tray: a campaign imported from CSV, then started and timed to done.
// Usage: tray-send.ts <port> <recipients> <connections> <throughput|caps|memory>
//   throughput — one account, caps lifted, `connections` sends in flight
//   caps       — one account at 50 messages a second (a 20 ms gap), for the sink's timestamps
//   memory     — four accounts of two connections each (the contract caps one account at
//                10,000 a minute), heap and RSS after GC at 10,000 sent and at the end
import path from 'node:path';
import { writeCsv } from '../lib/message';
import { childMain } from '../lib/proc';
import { addSinkAccounts, benchCampaign, importFile, LIFTED, mb, openTray, tmpDir } from '../lib/tray';
import { measure, type SendFigures } from './measure';

export interface TraySendResult extends SendFigures {
  importMs: number;
  memory?: { at: number; rssMb: number; heapMb: number }[];
}

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const snapshot = (at: number) => {
  gc();
  const m = process.memoryUsage();
  return { at, rssMb: mb(m.rss), heapMb: mb(m.heapUsed) };
};

childMain(async (): Promise<TraySendResult> => {
  const [portArg, nArg, connArg, mode] = process.argv.slice(2);
  const port = Number(portArg);
  const n = Number(nArg);
  const connections = Number(connArg);
  const dir = tmpDir('ct-bench-send-');
  const tray = await openTray(dir);
  try {
    const pool =
      mode === 'caps'
        ? await addSinkAccounts(tray, port, 1, {
            ...LIFTED,
            perMinute: 3_000,
            minGapMs: 20,
            maxGapMs: 20,
            maxConcurrent: connections,
          })
        : mode === 'memory'
          ? await addSinkAccounts(tray, port, 4, { ...LIFTED, maxConcurrent: 2 })
          : await addSinkAccounts(tray, port, 1, { ...LIFTED, maxConcurrent: connections });
    const campaign = await benchCampaign(tray, `Bench ${mode}`, pool);
    const file = path.join(dir, 'recipients.csv');
    await writeCsv(file, n);
    const t0 = performance.now();
    const report = await importFile(tray, campaign.id, file);
    const importMs = Math.round(performance.now() - t0);
    if (report.added !== n) throw new Error(`import added ${report.added} of ${n}`);

    const memory = mode === 'memory' ? [snapshot(0)] : undefined;
    let sampled = false;
    const off = tray.engine.hub.subscribe((event, payload) => {
      if (event !== 'campaign.progress' || !memory || sampled) return;
      const sent = (payload as { counts: { sent: number } }).counts.sent;
      if (sent >= 10_000) {
        sampled = true;
        memory.push(snapshot(sent));
      }
    });
    const figures = await measure(n, async () => {
      const done = tray.finished(campaign.id);
      await tray.call('campaigns.start', { id: campaign.id });
      await done;
    });
    off();
    if (memory) memory.push(snapshot(n));
    const { counts } = await tray.call('campaigns.progress', { id: campaign.id });
    if (counts.sent !== n) throw new Error(`sent ${counts.sent} of ${n}: ${JSON.stringify(counts)}`);
    return { ...figures, importMs, ...(memory ? { memory } : {}) };
  } finally {
    await tray.close();
  }
});
