// The app itself: its name and version, where it runs, its data folder, whether the OS
// keychain can hold secrets here and whether one-click unsubscribe links are served; the first-run checklist (derived from what exists, never stored
// step by step) and the sample list a new user tries the app with.
import type { EngineContext, EngineHost } from '../context';
import { readSettings } from '../settings';
import type { Handlers } from './handlers';

export const APP_NAME = 'Campaign Tray';

/**
 * A short list to try an import with. Every address is under example.com/.org/.net, which by
 * RFC 2606 never receive mail; one duplicate and one broken address show what the import report says.
 */
export const SAMPLE_CSV = [
  'email,first_name,last_name,company,city',
  'ada.lovelace@example.com,Ada,Lovelace,Analytical Engines,London',
  'grace.hopper@example.org,Grace,Hopper,Compilers Inc.,Arlington',
  'alan.turing@example.net,Alan,Turing,Bletchley Park,Wilmslow',
  'katherine.johnson@example.com,Katherine,Johnson,NASA,Hampton',
  'edsger.dijkstra@example.org,Edsger,Dijkstra,,Nuenen',
  'barbara.liskov@example.net,,Liskov,MIT,Cambridge',
  'ADA.LOVELACE@example.com,Ada,Lovelace,Analytical Engines,London',
  'not-an-address,Bob,Broken,Typos Ltd,Nowhere',
  'margaret.hamilton@example.com,Margaret,Hamilton,Apollo,Boston',
].join('\r\n');

export function appHandlers(
  ctx: EngineContext,
  deps: { version: string; host: EngineHost; oneClickBase?: string | null },
): Pick<Handlers, 'app.info' | 'app.firstRun' | 'app.sampleList'> {
  const { store } = ctx;
  return {
    'app.info': async () => {
      const reason = await ctx.secrets.unavailableReason();
      return {
        name: APP_NAME,
        version: deps.version,
        transport: deps.host,
        dataDir: ctx.dataDir,
        keychain: { available: reason === null, message: reason },
        // A desktop app has no public endpoint; only the headless server can run one.
        oneClick:
          deps.host === 'electron'
            ? { status: 'unavailable' as const }
            : deps.oneClickBase
              ? { status: 'on' as const, baseUrl: deps.oneClickBase }
              : { status: 'off' as const },
      };
    },

    'app.firstRun': () => {
      const hasAccount = store.accounts.list().some((a) => a.kind !== 'outbox');
      const hasCampaign = store.campaigns.list().length > 0;
      const hasRecipients = store.recipients.any();
      const hasSentToOutbox = store.outbox.hasCampaignMessage();
      const { firstRunDismissed: dismissed } = readSettings(store);
      return {
        hasAccount,
        hasCampaign,
        hasRecipients,
        hasSentToOutbox,
        dismissed,
        done: dismissed || (hasCampaign && hasRecipients && hasSentToOutbox),
      };
    },

    'app.sampleList': () => ({
      filename: 'sample-recipients.csv',
      contentType: 'text/csv; charset=utf-8',
      content: `${SAMPLE_CSV}\r\n`,
    }),
  };
}
