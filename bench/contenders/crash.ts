// Leaves rows `sending`: opens a data folder, points its campaign at a sink that never answers
// DATA, starts it and says so once rows are on the wire; the bench then SIGKILLs this process.
// Usage: crash.ts <dataDir> <campaignId> <stallPort>
import { addSinkAccounts, LIFTED, openTray } from '../lib/tray';

const [dataDir, campaignArg, portArg] = process.argv.slice(2) as [string, string, string];
const id = Number(campaignArg);
const tray = await openTray(dataDir);
const pool = await addSinkAccounts(tray, Number(portArg), 1, { ...LIFTED, maxConcurrent: 8 });
const c = await tray.call('campaigns.get', { id });
// Settings change only while a campaign is not sending (a previous round left it sending).
if (c.status === 'sending') await tray.call('campaigns.pause', { id });
await tray.call('campaigns.update', { id, patch: { pool } });
if (c.status === 'draft') await tray.call('campaigns.start', { id });
else await tray.call('campaigns.resume', { id });
for (;;) {
  const p = await tray.call('campaigns.progress', { id });
  if (p.counts.sending > 0) {
    process.send?.({ type: 'sending', count: p.counts.sending });
    break;
  }
  await new Promise((r) => setTimeout(r, 20));
}
// Waits to be killed.
setInterval(() => {}, 1_000);
