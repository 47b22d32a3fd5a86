// Start-up after a crash: from createEngine on a big database with rows left `sending` to the
// engine started and the dashboard's first answer. Usage: startup.ts <dataDir> <campaignId>
import { childMain } from '../lib/proc';
import { openTray } from '../lib/tray';

childMain(async () => {
  const [dataDir, campaignArg] = process.argv.slice(2) as [string, string];
  const t0 = performance.now();
  const tray = await openTray(dataDir);
  const readyMs = performance.now() - t0;
  try {
    await tray.call('campaigns.list', {});
    const p = await tray.call('campaigns.progress', { id: Number(campaignArg) });
    const dashboardMs = performance.now() - t0;
    return {
      readyMs: Math.round(readyMs * 10) / 10,
      dashboardMs: Math.round(dashboardMs * 10) / 10,
      recipients: p.total,
      uncertain: p.counts.uncertain,
      sending: p.counts.sending,
    };
  } finally {
    await tray.close();
  }
});
