// The local test outbox: every message the outbox account "sent", stored as a raw .eml, paged,
// searchable, filtered by campaign, each shown rendered in a sandboxed frame or as its source.
import { useState } from 'react';
import type { OutboxItem } from '../../../../shared/contract';
import { navigate } from '../../app/navigation';
import { ErrorNote } from '../../components/error-note';
import { type Column, VirtualTable } from '../../components/virtual-table';
import { useRequest } from '../../data/hooks';
import { usePagedRequest } from '../../data/paged';
import { formatTime } from '../../lib/format';
import { useDebounced } from '../../lib/use-debounced';
import { OutboxMessage } from './outbox-message';

export function OutboxScreen({ messageId }: { messageId: number | null }) {
  const [search, setSearch] = useState('');
  const [campaignId, setCampaignId] = useState<number | null>(null);
  const term = useDebounced(search.trim(), 250);
  const campaigns = useRequest('campaigns.list', {}).data ?? [];
  const list = usePagedRequest('outbox.list', {
    limit: 200,
    ...(term ? { search: term } : {}),
    ...(campaignId !== null ? { campaignId } : {}),
  });
  const open = (id: number) => navigate({ name: 'outbox', messageId: id }, { replace: true });

  const columns: Column<OutboxItem>[] = [
    {
      key: 'to',
      header: 'To',
      width: 'minmax(12rem, 1.5fr)',
      cell: (m) => (
        <button
          type="button"
          className="link"
          onClick={() => open(m.id)}
          aria-current={m.id === messageId || undefined}
        >
          {m.to}
        </button>
      ),
    },
    { key: 'subject', header: 'Subject', width: 'minmax(8rem, 2fr)', cell: (m) => m.subject },
    { key: 'at', header: 'Created', width: '11rem', cell: (m) => formatTime(m.createdAt) },
  ];

  return (
    <section aria-labelledby="outbox-title" className="stack">
      <h1 id="outbox-title">
        Outbox (<span data-testid="outbox-total">{list.total.toLocaleString()}</span>)
      </h1>
      <p className="muted">
        Messages sent through the local test outbox account are kept here instead of being delivered, so a campaign can
        be tried end to end without mailing anyone.
      </p>
      <div className="row">
        <label className="grow">
          <span className="sr-only">Search the outbox</span>
          <input
            type="search"
            placeholder="Search recipient, subject or Message-ID"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
          />
        </label>
        <label>
          <span className="sr-only">Campaign</span>
          <select
            aria-label="Campaign"
            value={campaignId ?? ''}
            onChange={(e) => setCampaignId(e.target.value ? Number(e.target.value) : null)}
          >
            <option value="">All campaigns</option>
            {campaigns.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ErrorNote message={list.errorMessage} />
      {list.isSuccess && list.rows.length === 0 ? (
        <p className="empty">{term || campaignId !== null ? 'No stored message matches.' : 'The outbox is empty.'}</p>
      ) : (
        <div className="outbox">
          <VirtualTable
            label="Stored messages"
            rows={list.rows}
            columns={columns}
            rowKey={(m) => m.id}
            hasMore={list.hasMore}
            loadMore={list.loadMore}
            height={360}
          />
          {messageId !== null && <OutboxMessage id={messageId} />}
        </div>
      )}
    </section>
  );
}
