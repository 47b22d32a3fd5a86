import { useState } from 'react';
import type { CampaignSummary } from '../../../../shared/contract';
import { ErrorNote } from '../../components/error-note';
import { useRequest } from '../../data/hooks';
import { STATE_LABELS } from '../../lib/format';
import { useDebounced } from '../../lib/use-debounced';
import { FEEDBACK_LABELS } from '../feedback/feedback-counts';

export function RecipientsTable({ campaign }: { campaign: CampaignSummary }) {
  const [search, setSearch] = useState('');
  const term = useDebounced(search.trim(), 250);
  const list = useRequest(
    'recipients.list',
    { campaignId: campaign.id, limit: 100, ...(term ? { search: term } : {}) },
    { keepPrevious: true },
  );
  const rows = list.data?.rows ?? [];
  const total = list.data?.total ?? 0;

  return (
    <section aria-labelledby="recipients-title">
      <div className="row spread">
        <h2 id="recipients-title">Recipients ({total})</h2>
        <label>
          <span className="sr-only">Search recipients</span>
          <input type="search" placeholder="Search" value={search} onChange={(e) => setSearch(e.target.value)} />
        </label>
      </div>
      <ErrorNote message={list.errorMessage} />
      {list.isSuccess && rows.length === 0 ? (
        <p className="empty">No recipients yet.</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Address</th>
                <th scope="col">State</th>
                <th scope="col">Feedback</th>
                <th scope="col">Attempts</th>
                <th scope="col">Last error</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id}>
                  <td>{r.address}</td>
                  <td>
                    <span className={`badge state-${r.state}`}>{STATE_LABELS[r.state]}</span>
                  </td>
                  <td>
                    {r.feedback && (
                      <span className={`badge feedback-${r.feedback}`}>{FEEDBACK_LABELS[r.feedback]}</span>
                    )}
                  </td>
                  <td>{r.attempts}</td>
                  <td>{r.lastError ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {total > rows.length && (
            <p className="muted">
              Showing the first {rows.length} of {total}.
            </p>
          )}
        </div>
      )}
    </section>
  );
}
