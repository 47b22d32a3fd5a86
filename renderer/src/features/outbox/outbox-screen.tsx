// The local test outbox: every message the outbox account "sent", stored as a raw .eml.
import { navigate } from '../../app/navigation';
import { ErrorNote } from '../../components/error-note';
import { useRequest } from '../../data/hooks';
import { formatTime } from '../../lib/format';
import { OutboxMessage } from './outbox-message';

export function OutboxScreen({ messageId }: { messageId: number | null }) {
  const list = useRequest('outbox.list', { limit: 200 });
  const items = list.data?.rows ?? [];
  const total = list.data?.total ?? 0;

  return (
    <section aria-labelledby="outbox-title" className="stack">
      <h1 id="outbox-title">Outbox ({total})</h1>
      <p className="muted">
        Messages sent through the local test outbox account are kept here instead of being delivered, so a campaign can
        be tried end to end without mailing anyone.
      </p>
      <ErrorNote message={list.errorMessage} />
      {list.isSuccess && items.length === 0 ? (
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
                  <tr key={m.id} className={messageId === m.id ? 'picked' : undefined}>
                    <td>
                      <button
                        type="button"
                        className="link"
                        onClick={() => navigate({ name: 'outbox', messageId: m.id }, { replace: true })}
                      >
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
          {messageId !== null && <OutboxMessage id={messageId} />}
        </div>
      )}
    </section>
  );
}
