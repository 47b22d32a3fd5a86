import { type FormEvent, useState } from 'react';
import { navigate } from '../../app/navigation';
import { ErrorNote } from '../../components/error-note';
import { useMutate, useRequest } from '../../data/hooks';
import { FirstRunChecklist } from '../first-run/first-run-checklist';
import { CampaignCard } from './campaign-card';

export function CampaignsList() {
  const campaigns = useRequest('campaigns.list', {});
  const [name, setName] = useState('');
  const create = useMutate('campaigns.create');

  const onCreate = async (e: FormEvent) => {
    e.preventDefault();
    const c = await create.run({ name: name.trim() });
    if (c) {
      setName('');
      navigate({ name: 'campaign', id: c.id, tab: 'recipients' });
    }
  };

  const list = campaigns.data ?? [];
  return (
    <section aria-labelledby="campaigns-title">
      <h1 id="campaigns-title">Campaigns</h1>
      <FirstRunChecklist />
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
      <ErrorNote message={create.error ?? campaigns.errorMessage} />
      {campaigns.isSuccess && list.length === 0 ? (
        <p className="empty">No campaigns yet. Create one above, then import recipients and write the message.</p>
      ) : (
        <ul className="campaign-list">
          {list.map((c) => (
            <CampaignCard key={c.id} campaign={c} />
          ))}
        </ul>
      )}
    </section>
  );
}
