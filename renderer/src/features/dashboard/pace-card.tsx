import type { CampaignProgress } from '../../../../shared/domain';
import { SendRateChart } from '../../components/send-rate-chart';
import { useRequest } from '../../data/hooks';
import { formatRelative, formatTime } from '../../lib/format';

function etaText(p: CampaignProgress): string {
  // A paused campaign is not on its way anywhere: a finish time would be a guess that keeps moving.
  if (p.status === 'paused') return 'Paused: no estimate until it resumes';
  if (p.status === 'draft') return 'Not started';
  if (p.eta === null) return 'Nothing left to send';
  if (p.eta.at === null) return `No account can send now: ${p.eta.limitedBy}`;
  return `${formatTime(p.eta.at)} (${formatRelative(p.eta.at)}), limited by ${p.eta.limitedBy}`;
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
        <dd data-testid="eta">{etaText(progress)}</dd>
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
