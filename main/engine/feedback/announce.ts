// What the rest of the app hears once a notice has committed: the activity line, the events the
// screens refresh on, and the breaker's pause. Mailbox readers and the one-click endpoint share it.
import type { EngineContext } from '../context';
import type { CommitResult } from '../store/feedback';

export function announceFeedback(
  ctx: Pick<EngineContext, 'activity' | 'hub'>,
  accountId: number | null,
  r: CommitResult,
): void {
  if (r.kept) {
    // The campaign is gone, so nothing is counted; the suppression alone keeps the promise. A
    // request for an address already suppressed (asked twice, read twice) says nothing.
    const { ref, via, suppressed } = r.kept;
    if (!suppressed) return;
    const how = via === 'one_click' ? 'with the one-click link' : 'by mail';
    ctx.activity(
      'info',
      `${ref.address} unsubscribed ${how} (deleted campaign “${ref.campaignName}”); the address is now suppressed`,
      accountId === null ? {} : { accountId },
    );
    return;
  }
  if (!r.recorded || !r.item || !r.reaction) return;
  const campaignId = r.item.campaignId;
  ctx.activity(r.reaction.activity.level, r.reaction.activity.message, {
    campaignId,
    ...(accountId === null ? {} : { accountId }),
  });
  ctx.hub.emit('feedback.changed', { accountId, campaignId });
  ctx.hub.emit('campaigns.changed', { campaignId });
  if (r.paused) {
    ctx.activity('warn', `${r.paused.name}: ${r.paused.reason}`, { campaignId });
    ctx.hub.emit('campaign.status', {
      campaignId,
      name: r.paused.name,
      from: r.paused.from,
      to: 'paused',
      cause: 'breaker',
      reason: r.paused.reason,
    });
  }
}
