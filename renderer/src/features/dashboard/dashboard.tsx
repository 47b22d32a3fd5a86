// The live view of one campaign: controls, counts, pace, accounts, failures, uncertain rows.
import type { CampaignSummary } from '../../../../shared/contract';
import { useRequest } from '../../data/hooks';
import { FeedbackCounts } from '../feedback/feedback-counts';
import { AccountsUsageCard } from './accounts-usage-card';
import { CampaignControls } from './campaign-controls';
import { FailureGroups } from './failure-groups';
import { PaceCard } from './pace-card';
import { ProgressCard } from './progress-card';
import { UncertainRows } from './uncertain-rows';

export function Dashboard({ campaign }: { campaign: CampaignSummary }) {
  const progress = useRequest('campaigns.progress', { id: campaign.id }).data;
  const status = progress?.status ?? campaign.status;
  const counts = progress?.counts ?? campaign.counts;
  return (
    <div className="stack dashboard">
      <CampaignControls campaignId={campaign.id} status={status} />
      {progress?.pausedReason && <p className="warn-note">Paused by the app: {progress.pausedReason}</p>}
      <ProgressCard status={status} counts={counts} progress={progress} />
      {progress && <PaceCard campaignId={campaign.id} progress={progress} />}
      <FeedbackCounts campaignId={campaign.id} />
      {progress && progress.accounts.length > 0 && <AccountsUsageCard accounts={progress.accounts} />}
      <FailureGroups campaignId={campaign.id} failed={counts.failed} groups={progress?.failureGroups ?? 0} />
      {counts.uncertain > 0 && <UncertainRows campaignId={campaign.id} count={counts.uncertain} />}
    </div>
  );
}
