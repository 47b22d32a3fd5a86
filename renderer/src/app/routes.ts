// Typed hash routes. The fragment is the whole address of a screen, so the tray, a notification
// and a reload all land where they point: #/campaigns/12/dashboard, #/accounts, #/outbox/7 …
// The shell's older one-word fragments (#accounts, #campaigns) still work.

export const CAMPAIGN_TABS = ['recipients', 'message', 'settings', 'dashboard'] as const;
export type CampaignTab = (typeof CAMPAIGN_TABS)[number];

export type Route =
  | { name: 'campaigns' }
  | { name: 'campaign'; id: number; tab: CampaignTab | null }
  | { name: 'accounts' }
  | { name: 'suppressions' }
  | { name: 'settings' }
  | { name: 'outbox'; messageId: number | null }
  | { name: 'activity' };

export const HOME: Route = { name: 'campaigns' };

const SIMPLE = ['campaigns', 'accounts', 'suppressions', 'settings', 'activity'] as const;
type Simple = (typeof SIMPLE)[number];
const isSimple = (s: string | undefined): s is Simple => (SIMPLE as readonly string[]).includes(s ?? '');

const positiveInt = (s: string | undefined): number | null =>
  s !== undefined && /^[1-9]\d{0,15}$/.test(s) ? Number(s) : null;

/** Anything that is not a known route (including the headless token fragment) is home. */
export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#\/?/, '');
  if (raw.includes('=')) return HOME; // "#token=…": a query-style fragment, not a path
  const parts = raw.split('/').filter(Boolean);
  const [head, second, third] = parts;
  if (head === 'campaigns' && second !== undefined) {
    const id = positiveInt(second);
    if (id === null) return HOME;
    const tab = (CAMPAIGN_TABS as readonly string[]).includes(third ?? '') ? (third as CampaignTab) : null;
    return { name: 'campaign', id, tab };
  }
  if (head === 'outbox') return { name: 'outbox', messageId: positiveInt(second) };
  if (isSimple(head) && parts.length === 1) return { name: head } as Route;
  return HOME;
}

export function routeHash(route: Route): string {
  switch (route.name) {
    case 'campaign':
      return `#/campaigns/${route.id}${route.tab ? `/${route.tab}` : ''}`;
    case 'outbox':
      return route.messageId === null ? '#/outbox' : `#/outbox/${route.messageId}`;
    default:
      return `#/${route.name}`;
  }
}
