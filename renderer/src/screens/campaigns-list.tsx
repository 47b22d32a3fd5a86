import { type FormEvent, useState } from 'react';
import { RECIPIENT_STATES } from '../../../shared/domain';
import { ErrorNote } from '../components/error-note';
import { useAction } from '../components/use-action';
import { STATE_LABELS } from '../lib/format';
import { api, useApp } from '../state/app-store';

export function CampaignsList() {
  const campaigns = useApp((s) => s.campaigns);
  const go = useApp((s) => s.go);
  const refreshCampaigns = useApp((s) => s.refreshCampaigns);
  const [name, setName] = useState('');
  const create = useAction();

  const onCreate = async (e: FormEvent) => {
    e.preventDefault();
    const c = await create.run(() => api().call('campaigns.create', { name: name.trim() }));
    if (c) {
      setName('');
      await refreshCampaigns();
      go({ name: 'campaign', id: c.id });
    }
  };

  return (
    <section aria-labelledby="campaigns-title">
      <h1 id="campaigns-title">Campaigns</h1>
      <form className="row" onSubmit={onCreate}>
        <label className="grow">
          <span className="sr-only">New campaign name</span>
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="New campaign name"
            required
            maxLength={200}
          />
        </label>
        <button type="submit" className="primary" disabled={create.busy || !name.trim()}>
          Create campaign
        </button>
      </form>
      <ErrorNote message={create.error} />
      {campaigns.length === 0 ? (
        <p className="empty">No campaigns yet. Create one above, then import recipients and write the message.</p>
      ) : (
        <ul className="campaign-list">
          {campaigns.map((c) => {
            const total = RECIPIENT_STATES.reduce((n, s) => n + c.counts[s], 0);
            const finished = c.counts.sent + c.counts.failed + c.counts.skipped;
            return (
              <li key={c.id} className="card">
                <div className="row spread">
                  <button type="button" className="link title" onClick={() => go({ name: 'campaign', id: c.id })}>
                    {c.name}
                  </button>
                  <span className={`badge status-${c.status}`}>{c.status}</span>
                </div>
                <progress
                  max={Math.max(total, 1)}
                  value={finished}
                  aria-label={`${c.name}: ${finished} of ${total} done`}
                />
                <ul className="counts" aria-label="Recipients by state">
                  {RECIPIENT_STATES.map((s) => (
                    <li key={s} className={`count state-${s}`}>
                      <span>{STATE_LABELS[s]}</span> <strong>{c.counts[s]}</strong>
                    </li>
                  ))}
                  <li className="count">
                    <span>Total</span> <strong>{total}</strong>
                  </li>
                </ul>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
