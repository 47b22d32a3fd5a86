import type { CampaignEta, CampaignProgress } from '../../../../shared/domain';
import { SendRateChart } from '../../components/send-rate-chart';
import { useRequest } from '../../data/hooks';
import { formatRelative, formatTime } from '../../lib/format';

/** The engine's estimate in words; a paused campaign has none (its clock is stopped). */
export function etaText(eta: CampaignEta, now = Date.now()): string {
  const finish = (at: number) => `${formatTime(at)} (${formatRelative(at, now)})`;
  switch (eta.state) {
    case 'running':
      return `${finish(eta.at)}, limited by ${eta.limitedBy}`;
    case 'window':
      return `Waiting for the send window to open at ${formatTime(eta.opensAt)}; then done about ${finish(eta.at)}`;
    case 'scheduled':
      return `Starts at ${formatTime(eta.startsAt)}; then done about ${finish(eta.at)}`;
    case 'paused':
      return 'Paused: no estimate until it resumes';
    case 'draft':
      return 'Not started';
    case 'blocked':
      return eta.reason === 'No account can send'
        ? 'No estimate: no account in the pool can send now'
        : `No estimate: it cannot finish as things stand (${eta.reason})`;
    case 'none':
      return 'Nothing left to send';
  }
}

export function PaceCard({ campaignId, progress }: { campaignId: number; progress: CampaignProgress }) {
  const rate = useRequest('campaigns.sendRate', { id: campaignId }, { keepPrevious: true });
  return (
    <section aria-labelledby="pace-title" className="card">
      <h2 id="pace-title" className="small">
        Pace
      </h2>
      {rate.data && <SendRateChart points={rate.data.buckets} bucketMs={rate.data.bucketMs} label="Sends per minute" />}
      <dl className="facts">
        <dt>Sent in the last minute</dt>
        <dd>{progress.ratePerMinute.last1}</dd>
        <dt>Per minute, last 10 minutes</dt>
        <dd>{progress.ratePerMinute.last10.toFixed(1)}</dd>
        <dt>Estimated finish</dt>
        <dd data-testid="eta">{etaText(progress.eta)}</dd>
        {progress.waiting && progress.status === 'sending' && (
          <>
            <dt>Waiting</dt>
            <dd className="warn-note">
              {progress.waiting.reason}
              {progress.waiting.until !== null && ` — until ${formatTime(progress.waiting.until)}`}
            </dd>
          </>
        )}
      </dl>
    </section>
  );
}
