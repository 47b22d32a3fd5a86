// Every recipient of a campaign in one scrolling table: rows render only in view and pages load
// as it scrolls (keyset paging in the store), filtered by state and searched over all fields.
import { useState } from 'react';
import type { CampaignSummary } from '../../../../shared/contract';
import { RECIPIENT_STATES, type Recipient, type RecipientState } from '../../../../shared/domain';
import { ErrorNote } from '../../components/error-note';
import { type Column, VirtualTable } from '../../components/virtual-table';
import { usePagedRequest } from '../../data/paged';
import { STATE_LABELS } from '../../lib/format';
import { useDebounced } from '../../lib/use-debounced';
import { FEEDBACK_LABELS } from '../feedback/feedback-counts';

const PAGE = 200;
/** Merge-field columns shown beside the fixed ones; the rest stay searchable. */
const MAX_FIELD_COLUMNS = 4;

export function RecipientsTable({ campaign }: { campaign: CampaignSummary }) {
  const [search, setSearch] = useState('');
  const [state, setState] = useState<RecipientState | ''>('');
  const term = useDebounced(search.trim(), 250);
  const list = usePagedRequest('recipients.list', {
    campaignId: campaign.id,
    limit: PAGE,
    ...(term ? { search: term } : {}),
    ...(state ? { state } : {}),
  });
  const columns: Column<Recipient>[] = [
    { key: 'address', header: 'Address', width: 'minmax(12rem, 2fr)', cell: (r) => r.address },
    {
      key: 'state',
      header: 'State',
      width: '7rem',
      cell: (r) => <span className={`badge state-${r.state}`}>{STATE_LABELS[r.state]}</span>,
    },
    ...campaign.fields
      .filter((f) => f.key !== 'email')
      .slice(0, MAX_FIELD_COLUMNS)
      .map((f) => ({
        key: `f:${f.key}`,
        header: f.label,
        width: 'minmax(6rem, 1fr)',
        cell: (r: Recipient) => r.fields[f.key] ?? '',
      })),
    {
      key: 'feedback',
      header: 'Feedback',
      width: '7rem',
      cell: (r) =>
        r.feedback ? <span className={`badge feedback-${r.feedback}`}>{FEEDBACK_LABELS[r.feedback]}</span> : '',
    },
    { key: 'attempts', header: 'Tries', width: '4rem', cell: (r) => r.attempts },
    { key: 'error', header: 'Last error', width: 'minmax(8rem, 2fr)', cell: (r) => r.lastError ?? '' },
  ];

  return (
    <section aria-labelledby="recipients-title" className="stack">
      <div className="row spread">
        <h2 id="recipients-title">
          Recipients (<span data-testid="recipients-total">{list.total.toLocaleString()}</span>)
        </h2>
        <div className="row">
          <label>
            <span className="sr-only">Filter by state</span>
            <select
              value={state}
              onChange={(e) => setState(e.target.value as RecipientState | '')}
              aria-label="Filter by state"
            >
              <option value="">All states</option>
              {RECIPIENT_STATES.map((s) => (
                <option key={s} value={s}>
                  {STATE_LABELS[s]}
                </option>
              ))}
            </select>
          </label>
          <label>
            <span className="sr-only">Search recipients</span>
            <input
              type="search"
              placeholder="Search address or any field"
              value={search}
              onChange={(e) => setSearch(e.target.value)}
            />
          </label>
        </div>
      </div>
      <ErrorNote message={list.errorMessage} />
      {list.isSuccess && list.rows.length === 0 ? (
        <p className="empty">{term || state ? 'No recipient matches.' : 'No recipients yet.'}</p>
      ) : (
        <VirtualTable
          label="Recipients"
          rows={list.rows}
          columns={columns}
          rowKey={(r) => r.id}
          hasMore={list.hasMore}
          loadMore={list.loadMore}
        />
      )}
    </section>
  );
}
