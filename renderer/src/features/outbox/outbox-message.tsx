import { ErrorNote } from '../../components/error-note';
import { useRequest } from '../../data/hooks';

export function OutboxMessage({ id }: { id: number }) {
  const read = useRequest('outbox.read', { id });
  const open = read.data;
  return (
    <>
      <ErrorNote message={read.errorMessage} />
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
    </>
  );
}
