import type { KeyboardEvent } from 'react';
import type { CampaignTab } from '../../app/routes';

const TABS: { id: CampaignTab; label: string }[] = [
  { id: 'recipients', label: 'Recipients' },
  { id: 'message', label: 'Message' },
  { id: 'settings', label: 'Senders & settings' },
  { id: 'dashboard', label: 'Dashboard' },
];

export function CampaignTabs({ tab, onSelect }: { tab: CampaignTab; onSelect: (t: CampaignTab) => void }) {
  // Arrow keys move between tabs, as the WAI-ARIA tabs pattern expects.
  const onKey = (e: KeyboardEvent) => {
    const i = TABS.findIndex((t) => t.id === tab);
    const next = e.key === 'ArrowRight' ? i + 1 : e.key === 'ArrowLeft' ? i - 1 : null;
    if (next === null) return;
    const t = TABS[(next + TABS.length) % TABS.length];
    if (t) {
      onSelect(t.id);
      document.getElementById(`tab-${t.id}`)?.focus();
    }
  };
  return (
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
          onClick={() => onSelect(t.id)}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}
