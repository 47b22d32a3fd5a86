import type { CampaignProgress, CampaignStatus, StateCounts } from '../../../../shared/domain';
import { RECIPIENT_STATES } from '../../../../shared/domain';
import { STATE_LABELS } from '../../lib/format';

export function ProgressCard({
  status,
  counts,
  progress,
}: {
  status: CampaignStatus;
  counts: StateCounts;
  progress: CampaignProgress | undefined;
}) {
  const total = progress?.total ?? RECIPIENT_STATES.reduce((n, s) => n + counts[s], 0);
  const done = counts.sent + counts.failed + counts.skipped;
  const skipped = progress?.skipped;
  return (
    <section aria-labelledby="progress-title" className="card">
      <h2 id="progress-title" className="small">
        Progress
      </h2>
      <progress max={Math.max(total, 1)} value={done} aria-label={`${done} of ${total} done`} />
      <p data-testid="progress-summary">
        {total === 0
          ? 'No recipients yet.'
          : status === 'done'
            ? `Finished: ${counts.sent} of ${total} sent.`
            : status === 'cancelled'
              ? `Cancelled: ${counts.sent} of ${total} sent.`
              : `${done} of ${total} done.`}
      </p>
      <ul className="counts" aria-label="Recipients by state">
        {RECIPIENT_STATES.filter((s) => s !== 'skipped').map((s) => (
          <li key={s} className={`count state-${s}`}>
            <span>{STATE_LABELS[s]}</span> <strong data-testid={`count-${s}`}>{counts[s]}</strong>
          </li>
        ))}
        {/* Skipped rows are two different things to the user: never sent by choice, or not allowed. */}
        <li className="count state-skipped" title="Not sent because the campaign was cancelled">
          <span>Cancelled</span> <strong data-testid="count-cancelled">{skipped?.cancelled ?? 0}</strong>
        </li>
        <li className="count state-skipped" title="Not sent because the address is on the suppression list">
          <span>Suppressed</span>{' '}
          <strong data-testid="count-suppressed">{skipped?.suppressed ?? counts.skipped}</strong>
        </li>
      </ul>
    </section>
  );
}
