import type { CampaignSummary } from '../../../../shared/contract';
import { RECIPIENT_STATES } from '../../../../shared/domain';
import { routeHash } from '../../app/routes';
import { STATE_LABELS } from '../../lib/format';

export function CampaignCard({ campaign: c }: { campaign: CampaignSummary }) {
  const total = RECIPIENT_STATES.reduce((n, s) => n + c.counts[s], 0);
  const finished = c.counts.sent + c.counts.failed + c.counts.skipped;
  return (
    <li className="card">
      <div className="row spread">
        <a className="title" href={routeHash({ name: 'campaign', id: c.id, tab: null })}>
          {c.name}
        </a>
        <span className={`badge status-${c.status}`}>{c.status}</span>
      </div>
      <progress max={Math.max(total, 1)} value={finished} aria-label={`${c.name}: ${finished} of ${total} done`} />
      <ul className="counts" aria-label="Recipients by state">
        {RECIPIENT_STATES.map((s) => (
          <li key={s} className={`count state-${s}`}>
            <span>{STATE_LABELS[s]}</span> <strong>{c.counts[s]}</strong>
          </li>
        ))}
        <li className="count">
          <span>Total</span> <strong>{total}</strong>
        </li>
      </ul>
    </li>
  );
}
