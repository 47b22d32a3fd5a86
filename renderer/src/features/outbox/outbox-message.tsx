// One stored message: rendered in a frame with no permissions at all (no scripts, no same-origin,
// no forms, no navigation), or as the raw source the server would have received.
import { useState } from 'react';
import { ErrorNote } from '../../components/error-note';
import { useRequest } from '../../data/hooks';

export function OutboxMessage({ id }: { id: number }) {
  const read = useRequest('outbox.read', { id });
  const [raw, setRaw] = useState(false);
  const open = read.data;
  return (
    <>
      <ErrorNote message={read.errorMessage} />
      {open && (
        <section aria-labelledby="message-title" className="card stack">
          <div className="row spread">
            <h2 id="message-title" className="small">
              {open.item.subject} <span className="muted">to {open.item.to}</span>
            </h2>
            <fieldset className="preview-tabs">
              <legend className="sr-only">Show the message as</legend>
              <button type="button" aria-pressed={!raw} onClick={() => setRaw(false)}>
                Rendered
              </button>
              <button type="button" aria-pressed={raw} onClick={() => setRaw(true)}>
                Raw source
              </button>
            </fieldset>
          </div>
          {raw ? (
            <pre className="raw" data-testid="outbox-raw">
              {open.raw}
            </pre>
          ) : open.html !== null ? (
            <iframe title="Stored message" sandbox="" srcDoc={open.html} className="preview-frame" />
          ) : (
            <pre className="raw" data-testid="outbox-text">
              {open.text ?? ''}
            </pre>
          )}
        </section>
      )}
    </>
  );
}
