// The throttling case against a real Postfix: its anvil lets one client start 60 messages a
// minute and answers `450 4.7.1 Error: too much mail` beyond, while the account's caps allow 120 a
// minute with 8 sends in flight. Real time, real daemons; the provider's own pace is 5 minutes
// for 300. Usage: throttle-postfix.ts <messages>

import fs from 'node:fs';
import type { EventPayloads } from '../../shared/contract';
import type { Recipient } from '../../shared/domain';
import { MAIL_DOMAIN, startMailServers } from '../../test/helpers/mail-servers';
import { CSV_HEADER, row } from '../lib/message';
import { childMain } from '../lib/proc';
import { addSinkAccounts, benchCampaign, LIFTED, openTray, tmpDir, uploadOf } from '../lib/tray';

export interface ThrottleResult {
  messages: number;
  perMinute: number;
  minutes: number;
  sent: number;
  failed: number;
  /** Attempts beyond one a recipient: what throttle answers cost. */
  extraAttempts: number;
  /** The 450s Postfix logged. */
  refusals: number;
  /** account.limited events with cause throttle. */
  episodes: number;
}

const PER_MINUTE = 60;

childMain(async (): Promise<ThrottleResult> => {
  const n = Number(process.argv[2] ?? 300);
  const servers = await startMailServers(
    { [`inbox@${MAIL_DOMAIN}`]: 'inbox' },
    {
      // anvil counts per client; loopback is in mynetworks, which is exempt unless emptied here.
      mainCf: [
        `smtpd_client_message_rate_limit = ${PER_MINUTE}`,
        'anvil_rate_time_unit = 60s',
        'smtpd_client_event_limit_exceptions =',
        'recipient_delimiter = +',
      ].join('\n'),
    },
  );
  const dir = tmpDir('ct-bench-throttle-');
  const tray = await openTray(dir);
  try {
    const [account] = await addSinkAccounts(tray, servers.smtpPort, 1, {
      ...LIFTED,
      perMinute: 120,
      maxConcurrent: 8,
    });
    let episodes = 0;
    tray.engine.hub.subscribe((event, payload) => {
      if (event === 'account.limited' && (payload as EventPayloads['account.limited']).cause === 'throttle') episodes++;
    });
    const campaign = await benchCampaign(tray, 'Throttle', [account!]);
    const file = `${dir}/to.csv`;
    const lines = Array.from({ length: n }, (_, i) => {
      const r = row(i);
      return `inbox+r${i}@${MAIL_DOMAIN},${r.first_name},${r.last_name},"${r.company}",${r.city},`;
    });
    fs.writeFileSync(file, `${CSV_HEADER}\r\n${lines.join('\r\n')}\r\n`);
    const preview = await tray.call('recipients.importPreview', { campaignId: campaign.id, source: uploadOf(file) });
    await tray.call('recipients.importCommit', { importId: preview.importId, emailColumn: preview.emailColumn! });
    const t0 = Date.now();
    const done = tray.finished(campaign.id, 30 * 60_000);
    await tray.call('campaigns.start', { id: campaign.id });
    await done;
    const minutes = (Date.now() - t0) / 60_000;
    const rows: Recipient[] = [];
    for (let after: number | undefined; ; ) {
      const page = await tray.call('recipients.list', {
        campaignId: campaign.id,
        limit: 500,
        ...(after ? { after } : {}),
      });
      rows.push(...page.rows);
      if (page.next === null) break;
      after = page.next;
    }
    const refusals = (servers.postfixLog().match(/Message delivery request rate limit exceeded/g) ?? []).length;
    return {
      messages: n,
      perMinute: PER_MINUTE,
      minutes: Math.round(minutes * 100) / 100,
      sent: rows.filter((r) => r.state === 'sent').length,
      failed: rows.filter((r) => r.state === 'failed').length,
      extraAttempts: rows.reduce((s, r) => s + Math.max(0, r.attempts - 1), 0),
      refusals,
      episodes,
    };
  } finally {
    await tray.close();
    await servers.stop();
  }
});
