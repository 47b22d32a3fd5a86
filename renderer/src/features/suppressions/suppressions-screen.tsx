// Addresses that are never sent to: search, add, import, export, remove with undo.
import { useState } from 'react';
import type { Suppression } from '../../../../shared/domain';
import { ErrorNote } from '../../components/error-note';
import { type Column, VirtualTable } from '../../components/virtual-table';
import { useMutate } from '../../data/hooks';
import { usePagedRequest } from '../../data/paged';
import { saveDownload } from '../../lib/files';
import { formatTime } from '../../lib/format';
import { useDebounced } from '../../lib/use-debounced';
import { AddSuppressionsForm } from './add-suppressions-form';
import { ImportSuppressions } from './import-suppressions';
import { UndoBar } from './undo-bar';

export function SuppressionsScreen() {
  const [search, setSearch] = useState('');
  const term = useDebounced(search.trim(), 250);
  const list = usePagedRequest('suppressions.list', { limit: 200, ...(term ? { search: term } : {}) });
  const remove = useMutate('suppressions.remove');
  const exporter = useMutate('suppressions.export');
  const [removed, setRemoved] = useState<Suppression[] | null>(null);

  const onRemove = async (s: Suppression) => {
    const r = await remove.run({ addresses: [s.address] });
    if (r) setRemoved(r.entries);
  };
  const onExport = async () => {
    const f = await exporter.run({});
    if (f) saveDownload(f);
  };

  const columns: Column<Suppression>[] = [
    { key: 'address', header: 'Address', width: 'minmax(12rem, 2fr)', cell: (s) => s.address },
    {
      key: 'reason',
      header: 'Reason',
      width: '8rem',
      cell: (s) => <span className={`badge reason-${s.reason}`}>{s.reason}</span>,
    },
    { key: 'source', header: 'Source', width: 'minmax(8rem, 2fr)', cell: (s) => s.source },
    { key: 'at', header: 'Added', width: '11rem', cell: (s) => formatTime(s.createdAt) },
    {
      key: 'remove',
      header: <span className="sr-only">Remove</span>,
      width: '6rem',
      cell: (s) => (
        <button
          type="button"
          className="link"
          onClick={() => onRemove(s)}
          disabled={remove.busy}
          aria-label={`Remove ${s.address}`}
        >
          Remove
        </button>
      ),
    },
  ];

  return (
    <section aria-labelledby="suppressions-title" className="stack">
      <div className="row spread">
        <h1 id="suppressions-title">
          Suppressions (<span data-testid="suppressions-total">{list.total.toLocaleString()}</span>)
        </h1>
        <button type="button" onClick={onExport} disabled={exporter.busy}>
          Export CSV
        </button>
      </div>
      <p className="muted">
        Nobody on this list gets a message from any campaign. Unsubscribes, hard bounces and complaints land here by
        themselves.
      </p>
      {removed && <UndoBar entries={removed} onDone={() => setRemoved(null)} />}
      <div className="two-col">
        <AddSuppressionsForm />
        <ImportSuppressions />
      </div>
      <label>
        <span className="sr-only">Search suppressions</span>
        <input
          type="search"
          placeholder="Search addresses"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
      </label>
      <ErrorNote message={list.errorMessage ?? remove.error ?? exporter.error} />
      {list.isSuccess && list.rows.length === 0 ? (
        <p className="empty">{term ? 'No suppressed address matches.' : 'No address is suppressed.'}</p>
      ) : (
        <VirtualTable
          label="Suppressed addresses"
          rows={list.rows}
          columns={columns}
          rowKey={(s) => s.address}
          hasMore={list.hasMore}
          loadMore={list.loadMore}
          height={420}
        />
      )}
    </section>
  );
}
