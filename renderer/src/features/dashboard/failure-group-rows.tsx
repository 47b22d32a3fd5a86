import type { FailureClass } from '../../../../shared/domain';
import { ErrorNote } from '../../components/error-note';
import { usePagedRequest } from '../../data/paged';

export function FailureGroupRows({
  campaignId,
  errorClass,
  failureKey,
}: {
  campaignId: number;
  errorClass: FailureClass;
  failureKey: string;
}) {
  const rows = usePagedRequest('recipients.list', {
    campaignId,
    state: 'failed',
    failure: { errorClass, key: failureKey },
    limit: 100,
  });
  return (
    <div className="stack">
      <ErrorNote message={rows.errorMessage} />
      <ul className="group-rows">
        {rows.rows.map((r) => (
          <li key={r.id}>
            {r.address} <span className="muted">{r.lastError}</span>
          </li>
        ))}
      </ul>
      {rows.hasMore && (
        <button type="button" className="link" onClick={rows.loadMore}>
          Load more ({rows.rows.length} of {rows.total})
        </button>
      )}
    </div>
  );
}
