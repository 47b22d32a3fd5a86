// The renderer's shared state: what several screens show and what pushed events keep fresh.
// Form drafts (and passwords above all) stay in the components that own them.
import { create } from 'zustand';
import type { AppInfo, CampaignSummary } from '../../../shared/contract';
import type { Account, AccountUsage, ActivityEntry, CampaignProgress } from '../../../shared/domain';
import type { Client, ConnectionState } from '../client';

export type Screen =
  | { name: 'campaigns' }
  | { name: 'campaign'; id: number }
  | { name: 'accounts' }
  | { name: 'outbox' }
  | { name: 'activity' };

const ACTIVITY_KEPT = 500;

export interface AppState {
  connection: ConnectionState;
  info: AppInfo | null;
  campaigns: CampaignSummary[];
  progress: Record<number, CampaignProgress>;
  accounts: Account[];
  usage: AccountUsage[];
  activity: ActivityEntry[];
  /** A problem loading shared data, shown in the header. */
  loadError: string | null;
  notice: string | null;
  screen: Screen;
  go(screen: Screen): void;
  dismissNotice(): void;
  refreshInfo(): Promise<void>;
  refreshCampaigns(): Promise<void>;
  refreshAccounts(): Promise<void>;
  refreshActivity(): Promise<void>;
  refreshProgress(id: number): Promise<void>;
}

let client: Client | null = null;

/** The client every screen uses; set once at start. */
export function api(): Client {
  if (!client) throw new Error('The client is not connected yet.');
  return client;
}

export const useApp = create<AppState>()((set) => ({
  connection: 'connecting',
  info: null,
  campaigns: [],
  progress: {},
  accounts: [],
  usage: [],
  activity: [],
  loadError: null,
  notice: null,
  screen: { name: 'campaigns' },
  go: (screen) => set({ screen }),
  dismissNotice: () => set({ notice: null }),
  async refreshInfo() {
    const r = await api().call('app.info', {});
    set(r.ok ? { info: r.value } : { loadError: r.error.message });
  },
  async refreshCampaigns() {
    const r = await api().call('campaigns.list', {});
    set(r.ok ? { campaigns: r.value } : { loadError: r.error.message });
  },
  async refreshAccounts() {
    const [list, usage] = await Promise.all([api().call('accounts.list', {}), api().call('accounts.usage', {})]);
    if (list.ok) set({ accounts: list.value });
    if (usage.ok) set({ usage: usage.value });
    const err = !list.ok ? list.error : !usage.ok ? usage.error : null;
    if (err) set({ loadError: err.message });
  },
  async refreshActivity() {
    const r = await api().call('activity.list', { limit: 200 });
    if (r.ok) set({ activity: r.value });
  },
  async refreshProgress(id) {
    const r = await api().call('campaigns.progress', { id });
    if (r.ok) applyProgress(r.value);
  },
}));

function applyProgress(p: CampaignProgress) {
  const { progress, campaigns } = useApp.getState();
  useApp.setState({
    progress: { ...progress, [p.campaignId]: p },
    campaigns: campaigns.map((c) => (c.id === p.campaignId ? { ...c, counts: p.counts, status: p.status } : c)),
  });
}

function refreshAll() {
  const s = useApp.getState();
  useApp.setState({ loadError: null });
  void s.refreshInfo();
  void s.refreshCampaigns();
  void s.refreshAccounts();
  void s.refreshActivity();
}

/** Connects the store to a transport: initial load, pushed events, reload after a reconnect. */
export function connectStore(c: Client): void {
  client = c;
  c.on('campaign.progress', applyProgress);
  c.on('campaigns.changed', () => void useApp.getState().refreshCampaigns());
  c.on('accounts.changed', () => void useApp.getState().refreshAccounts());
  c.on('account.needsReauth', (p) => {
    useApp.setState({ notice: `${p.label} needs to be connected again: ${p.message}` });
    void useApp.getState().refreshAccounts();
  });
  c.on('activity', (entry) => {
    const { activity } = useApp.getState();
    if (activity.some((a) => a.id === entry.id)) return;
    useApp.setState({ activity: [entry, ...activity].slice(0, ACTIVITY_KEPT) });
  });
  c.onConnection((state) => {
    const was = useApp.getState().connection;
    useApp.setState({ connection: state });
    if (state === 'open' && was !== 'open') refreshAll();
  });
}
