// Pick which recipient the preview (and a test send) renders for, by searching their fields.
import { useState } from 'react';
import type { Recipient } from '../../../../shared/domain';
import { useRequest } from '../../data/hooks';
import { useDebounced } from '../../lib/use-debounced';

export function RecipientPicker({
  campaignId,
  picked,
  onPick,
}: {
  campaignId: number;
  picked: Recipient | null;
  onPick: (r: Recipient | null) => void;
}) {
  const [search, setSearch] = useState('');
  const term = useDebounced(search.trim(), 250);
  const found = useRequest(
    'recipients.list',
    { campaignId, limit: 8, ...(term ? { search: term } : {}) },
    { enabled: term !== '', keepPrevious: true },
  );
  const rows = term ? (found.data?.rows ?? []) : [];
  return (
    <div className="picker">
      <label>
        Preview for
        <input
          type="search"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          placeholder={picked ? picked.address : 'Search recipients by address or any field'}
          aria-describedby="picked-recipient"
        />
      </label>
      <p id="picked-recipient" className="muted">
        {picked ? (
          <>
            Showing {picked.address}.{' '}
            <button type="button" className="link" onClick={() => onPick(null)}>
              Back to the first recipient
            </button>
          </>
        ) : (
          'Showing the first recipient.'
        )}
      </p>
      {rows.length > 0 && (
        <ul className="picker-results" aria-label="Matching recipients">
          {rows.map((r) => (
            <li key={r.id}>
              <button
                type="button"
                className="link"
                onClick={() => {
                  onPick(r);
                  setSearch('');
                }}
              >
                {r.address}
              </button>{' '}
              <span className="muted">{Object.values(r.fields).slice(0, 3).join(' · ')}</span>
            </li>
          ))}
        </ul>
      )}
      {term && found.isSuccess && rows.length === 0 && <p className="muted">Nobody matches “{term}”.</p>}
    </div>
  );
}
