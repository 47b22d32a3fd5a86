import { type KeyboardEvent, useState } from 'react';
import { useApp } from '../state/app-store';
import { CampaignSettingsForm } from './campaign-settings';
import { Composer } from './composer';
import { Dashboard } from './dashboard';
import { ImportPanel } from './import-panel';

const TABS = [
  { id: 'recipients', label: 'Recipients' },
  { id: 'message', label: 'Message' },
  { id: 'settings', label: 'Senders & settings' },
  { id: 'dashboard', label: 'Dashboard' },
] as const;
type Tab = (typeof TABS)[number]['id'];

export function CampaignView({ id }: { id: number }) {
  const campaign = useApp((s) => s.campaigns.find((c) => c.id === id));
  const go = useApp((s) => s.go);
  const [tab, setTab] = useState<Tab>(() => (campaign && campaign.status !== 'draft' ? 'dashboard' : 'recipients'));

  if (!campaign) {
    return (
      <section>
        <p className="empty">This campaign was not found. It may have been deleted.</p>
        <button type="button" onClick={() => go({ name: 'campaigns' })}>
          Back to campaigns
        </button>
      </section>
    );
  }

  // Arrow keys move between tabs, as the WAI-ARIA tabs pattern expects.
  const onKey = (e: KeyboardEvent) => {
    const i = TABS.findIndex((t) => t.id === tab);
    const next = e.key === 'ArrowRight' ? i + 1 : e.key === 'ArrowLeft' ? i - 1 : null;
    if (next === null) return;
    const t = TABS[(next + TABS.length) % TABS.length];
    if (t) {
      setTab(t.id);
      document.getElementById(`tab-${t.id}`)?.focus();
    }
  };

  return (
    <section aria-labelledby="campaign-title">
      <nav className="crumbs" aria-label="Breadcrumb">
        <button type="button" className="link" onClick={() => go({ name: 'campaigns' })}>
          Campaigns
        </button>{' '}
        / <span>{campaign.name}</span>
      </nav>
      <div className="row spread">
        <h1 id="campaign-title">{campaign.name}</h1>
        <span className={`badge status-${campaign.status}`}>{campaign.status}</span>
      </div>
      <div role="tablist" aria-label="Campaign sections" className="tabs" onKeyDown={onKey}>
        {TABS.map((t) => (
          <button
            key={t.id}
            id={`tab-${t.id}`}
            type="button"
            role="tab"
            aria-selected={tab === t.id}
            aria-controls={`panel-${t.id}`}
            tabIndex={tab === t.id ? 0 : -1}
            onClick={() => setTab(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} className="panel">
        {tab === 'recipients' && <ImportPanel campaign={campaign} />}
        {tab === 'message' && <Composer campaign={campaign} />}
        {tab === 'settings' && <CampaignSettingsForm campaign={campaign} />}
        {tab === 'dashboard' && <Dashboard campaign={campaign} />}
      </div>
    </section>
  );
}
