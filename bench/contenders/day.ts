// A simulated day on a manual clock: per-minute, per-hour and rolling-24-hour caps on one
// account, 1,000 recipients, every send time read back through the contract.
import path from 'node:path';
import type { Limits } from '../../shared/domain';
import { ManualClock } from '../../test/helpers/manual-clock';
import { writeCsv } from '../lib/message';
import { childMain } from '../lib/proc';
import { slidingWindows } from '../lib/stats';
import { benchCampaign, importFile, openTray, type Tray, tmpDir } from '../lib/tray';

const CAPS: Limits = {
  perMinute: 20,
  perHour: 300,
  perDay: 400,
  reserve: 40,
  minGapMs: 3_000,
  maxGapMs: 8_000,
  maxConcurrent: 1,
};

/** Real time passes until nothing is on the wire for a few looks in a row. */
async function settle(tray: Tray, id: number) {
  for (let quiet = 0; quiet < 3; ) {
    await new Promise((r) => setTimeout(r, 3));
    const p = await tray.call('campaigns.progress', { id });
    quiet = p.counts.sending === 0 ? quiet + 1 : 0;
  }
}

childMain(async () => {
  const clock = new ManualClock();
  const dir = tmpDir('ct-bench-day-');
  const tray = await openTray(dir, { clock });
  try {
    const [outbox] = await tray.call('accounts.list', {});
    await tray.call('accounts.update', { id: outbox!.id, limits: CAPS });
    const c = await benchCampaign(tray, 'Day', [outbox!.id]);
    const file = path.join(dir, 'day.csv');
    await writeCsv(file, 1_000);
    await importFile(tray, c.id, file);
    await tray.call('campaigns.start', { id: c.id });
    const end = clock.now() + 24 * 3_600_000;
    await settle(tray, c.id);
    for (;;) {
      const next = clock.nextTimerAt();
      if (next === null || next > end) break;
      clock.advance(Math.max(0, next - clock.now()));
      await settle(tray, c.id);
    }
    const times: number[] = [];
    for (let after: number | undefined; ; ) {
      const page = await tray.call('recipients.list', { campaignId: c.id, state: 'sent', after, limit: 500 });
      for (const r of page.rows) if (r.sentAt !== null) times.push(r.sentAt);
      if (page.next === null) break;
      after = page.next;
    }
    times.sort((a, b) => a - b);
    return {
      sent: times.length,
      caps: { perMinute: CAPS.perMinute, perHour: CAPS.perHour, usablePerDay: CAPS.perDay - CAPS.reserve },
      minute: slidingWindows(times, 60_000, CAPS.perMinute),
      hour: slidingWindows(times, 3_600_000, CAPS.perHour),
      day: slidingWindows(times, 86_400_000, CAPS.perDay - CAPS.reserve),
    };
  } finally {
    await tray.close();
  }
});
