// Failures grouped by the engine (addresses and ids masked in the key, status codes kept), a page
// of groups at a time so every group is reachable, each with examples and all of its rows on demand.
import { useState } from 'react';
import { useConfirm } from '../../components/confirm';
import { ErrorNote } from '../../components/error-note';
import { useMutate, useRequest } from '../../data/hooks';
import { FailureGroupRows } from './failure-group-rows';

const GROUPS_PER_PAGE = 10;

export function FailureGroups({ campaignId, failed, groups }: { campaignId: number; failed: number; groups: number }) {
  const [offset, setOffset] = useState(0);
  const [open, setOpen] = useState<string | null>(null);
  const page = useRequest(
    'campaigns.failures',
    { id: campaignId, offset, limit: GROUPS_PER_PAGE, examples: 3 },
    { keepPrevious: true },
  );
  const retry = useMutate('campaigns.retryFailed');
  const [dialog, confirm] = useConfirm();
  const total = page.data?.total ?? groups;
  const rows = page.data?.rows ?? [];

  const onRetry = async () => {
    const yes = await confirm(
      'Retry failed recipients?',
      `${failed} failed recipient(s) go back to the queue.`,
      'Retry failed',
    );
    if (yes) await retry.run({ id: campaignId });
  };

  return (
    <section aria-labelledby="failures-title" className="card">
      <div className="row spread">
        <h2 id="failures-title" className="small">
          Failures{total > 0 ? ` (${failed} in ${total} group${total === 1 ? '' : 's'})` : ''}
        </h2>
        <button type="button" disabled={retry.busy || failed === 0} onClick={onRetry}>
          Retry failed
        </button>
      </div>
      <ErrorNote message={page.errorMessage ?? retry.error} />
      {rows.length === 0 ? (
        <p className="muted">No failures.</p>
      ) : (
        <ol className="failure-groups" start={offset + 1}>
          {rows.map((g) => {
            const id = `${g.errorClass}:${g.key}`;
            return (
              <li key={id} className="failure-group" data-testid="failure-group">
                <div className="row spread">
                  <span>
                    <span className={`badge class-${g.errorClass}`}>{g.errorClass}</span>{' '}
                    <span className="mono" data-testid="failure-key">
                      {g.key}
                    </span>
                  </span>
                  <strong data-testid="failure-count">{g.count}</strong>
                </div>
                <ul className="examples">
                  {g.examples.map((e) => (
                    <li key={e.recipientId} className="muted">
                      {e.address}: {e.message}
                    </li>
                  ))}
                </ul>
                {g.count > g.examples.length && (
                  <button type="button" className="link" onClick={() => setOpen(open === id ? null : id)}>
                    {open === id ? 'Hide rows' : `Show all ${g.count} rows`}
                  </button>
                )}
                {open === id && (
                  <FailureGroupRows campaignId={campaignId} errorClass={g.errorClass} failureKey={g.key} />
                )}
              </li>
            );
          })}
        </ol>
      )}
      {total > GROUPS_PER_PAGE && (
        <div className="row">
          <button
            type="button"
            disabled={offset === 0}
            onClick={() => setOffset(Math.max(0, offset - GROUPS_PER_PAGE))}
          >
            Previous groups
          </button>
          <span className="muted">
            Groups {offset + 1}–{Math.min(offset + GROUPS_PER_PAGE, total)} of {total}
          </span>
          <button
            type="button"
            disabled={offset + GROUPS_PER_PAGE >= total}
            onClick={() => setOffset(offset + GROUPS_PER_PAGE)}
          >
            More groups
          </button>
        </div>
      )}
      {dialog}
    </section>
  );
}
