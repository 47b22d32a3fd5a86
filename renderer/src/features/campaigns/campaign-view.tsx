// One campaign: its tabs are part of the address (#/campaigns/12/dashboard).
import { navigate } from '../../app/navigation';
import { type CampaignTab, routeHash } from '../../app/routes';
import { useRequest } from '../../data/hooks';
import { Composer } from '../composer/composer';
import { Dashboard } from '../dashboard/dashboard';
import { ImportPanel } from '../recipients/import-panel';
import { CampaignSettingsForm } from '../senders/campaign-settings-form';
import { CampaignTabs } from './campaign-tabs';

export function CampaignView({ id, tab }: { id: number; tab: CampaignTab | null }) {
  const list = useRequest('campaigns.list', {});
  const campaign = list.data?.find((c) => c.id === id);

  if (!list.isSuccess) return <p className="muted">Loading…</p>;
  if (!campaign) {
    return (
      <section>
        <p className="empty">This campaign was not found. It may have been deleted.</p>
        <a href={routeHash({ name: 'campaigns' })}>Back to campaigns</a>
      </section>
    );
  }
  // Without a tab in the address, a draft opens on its recipients and anything else on its dashboard.
  const shown: CampaignTab = tab ?? (campaign.status === 'draft' ? 'recipients' : 'dashboard');
  const select = (t: CampaignTab) => navigate({ name: 'campaign', id, tab: t }, { replace: true });

  return (
    <section aria-labelledby="campaign-title">
      <nav className="crumbs" aria-label="Breadcrumb">
        <a href={routeHash({ name: 'campaigns' })}>Campaigns</a> / <span>{campaign.name}</span>
      </nav>
      <div className="row spread">
        <h1 id="campaign-title">{campaign.name}</h1>
        <span className={`badge status-${campaign.status}`}>{campaign.status}</span>
      </div>
      <CampaignTabs tab={shown} onSelect={select} />
      <div role="tabpanel" id={`panel-${shown}`} aria-labelledby={`tab-${shown}`} className="panel">
        {shown === 'recipients' && <ImportPanel campaign={campaign} />}
        {shown === 'message' && <Composer campaign={campaign} />}
        {shown === 'settings' && <CampaignSettingsForm campaign={campaign} />}
        {shown === 'dashboard' && <Dashboard campaign={campaign} />}
      </div>
    </section>
  );
}
