// Campaign Tray's import through the contract (preview, then commit, as the window does), with
// peak RSS and event-loop delay over the whole of it. Usage: tray-import.ts <file> <rows> [dataDir]
// With a dataDir the database is left there (the start-up figure reopens it).
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { childMain } from '../lib/proc';
import { benchCampaign, importFile, mb, openTray, rssSampler, tmpDir } from '../lib/tray';

childMain(async () => {
  const [file, rowsArg, keep] = process.argv.slice(2) as [string, string, string | undefined];
  const rows = Number(rowsArg);
  const tray = await openTray(keep ?? tmpDir('ct-bench-import-'));
  try {
    const campaign = await benchCampaign(tray, 'Import', []);
    (globalThis as { gc?: () => void }).gc?.();
    const baselineRssMb = mb(process.memoryUsage().rss);
    const rss = rssSampler();
    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    const t0 = performance.now();
    const report = await importFile(tray, campaign.id, file);
    const ms = Math.round(performance.now() - t0);
    loop.disable();
    const peakRssMb = rss.stop();
    // The generator makes 1 row in 200 invalid and 1 in 100 a repeat.
    const invalid = Math.floor(rows / 200);
    if (report.rowsRead !== rows || report.invalid !== invalid) {
      throw new Error(`unexpected report: ${JSON.stringify({ ...report, issues: report.issues.length })}`);
    }
    return {
      rows,
      ms,
      added: report.added,
      peakRssMb,
      baselineRssMb,
      loopP99Ms: Math.round(loop.percentile(99) / 1e5) / 10,
      loopMaxMs: Math.round(loop.max / 1e5) / 10,
      campaignId: campaign.id,
    };
  } finally {
    await tray.close();
  }
});
