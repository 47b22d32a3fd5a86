// The local test outbox: every message the outbox account "sent", stored as a raw .eml.
import { useCallback, useEffect, useState } from 'react';
import type { OutboxItem } from '../../../shared/contract';
import { ErrorNote } from '../components/error-note';
import { useAction } from '../components/use-action';
import { formatTime } from '../lib/format';
import { api } from '../state/app-store';

export function OutboxScreen() {
  const [items, setItems] = useState<OutboxItem[]>([]);
  const [total, setTotal] = useState(0);
  const [open, setOpen] = useState<{ item: OutboxItem; raw: string } | null>(null);
  const list = useAction();
  const read = useAction();
  const { run } = list;

  const reload = useCallback(async () => {
    const r = await run(() => api().call('outbox.list', { limit: 200, offset: 0 }));
    if (r) {
      setItems(r.rows);
      setTotal(r.total);
    }
  }, [run]);

  useEffect(() => {
    void reload();
  }, [reload]);

  const show = async (id: number) => {
    const r = await read.run(() => api().call('outbox.read', { id }));
    if (r) setOpen(r);
  };

  return (
    <section aria-labelledby="outbox-title" className="stack">
      <div className="row spread">
        <h1 id="outbox-title">Outbox ({total})</h1>
        <button type="button" onClick={reload} disabled={list.busy}>
          Refresh
        </button>
      </div>
      <p className="muted">
        Messages sent through the local test outbox account are kept here instead of being delivered, so a campaign can
        be tried end to end without mailing anyone.
      </p>
      <ErrorNote message={list.error} />
      {items.length === 0 ? (
        <p className="empty">The outbox is empty.</p>
      ) : (
        <div className="outbox">
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">To</th>
                  <th scope="col">Subject</th>
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                {items.map((m) => (
                  <tr key={m.id} className={open?.item.id === m.id ? 'picked' : undefined}>
                    <td>
                      <button type="button" className="link" onClick={() => show(m.id)}>
                        {m.to}
                      </button>
                    </td>
                    <td>{m.subject}</td>
                    <td>{formatTime(m.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <ErrorNote message={read.error} />
          {open && (
            <section aria-labelledby="raw-title" className="card">
              <h2 id="raw-title" className="small">
                Raw message to {open.item.to}
              </h2>
              <pre className="raw" data-testid="outbox-raw">
                {open.raw}
              </pre>
            </section>
          )}
        </div>
      )}
    </section>
  );
}
