// What the dashboard shows for one campaign, computed from the ledger and the recipients table.
// The event hub pushes it at most a few times a second however fast the sender goes.
import type { Account, AccountUsage, Campaign, CampaignProgress } from '../../../shared/domain';
import type { EngineContext } from '../context';
import { notFound } from '../errors';
import { accountState } from '../policy/account-state';
import { campaignEta, estimateFinish } from '../policy/eta';
import { usageCounts } from '../policy/throttle';
import { windowState } from '../policy/window';
import type { Sender } from './sender';

export function accountUsage(ctx: EngineContext, sender: Sender, a: Account): AccountUsage {
  const now = ctx.clock.now();
  const { sends } = sender.usage.get(a.id, now);
  const c = usageCounts(sends, now);
  return {
    accountId: a.id,
    label: a.label,
    kind: a.kind,
    status: a.status,
    cooldownUntil: a.cooldownUntil !== null && a.cooldownUntil > now ? a.cooldownUntil : null,
    lastMinute: c.lastMinute,
    lastHour: c.lastHour,
    last24h: c.last24h,
    limits: a.limits,
    state: accountState({ ...a, sends }, now),
  };
}

/** How many failure groups the live progress carries; the rest are paged through campaigns.failures. */
export const PROGRESS_FAILURE_GROUPS = 20;

export function campaignProgress(ctx: EngineContext, sender: Sender, campaignId: number): CampaignProgress {
  const { store, clock } = ctx;
  const campaign = store.campaigns.get(campaignId);
  if (!campaign) throw notFound('The campaign');
  const now = clock.now();
  const counts = store.recipients.counts(campaignId);
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const accounts = campaign.pool.map((id) => store.accounts.get(id)).filter((a): a is Account => a !== null);
  const remaining = counts.queued + counts.sending;
  const eta = campaignEta({
    status: campaign.status,
    remaining,
    scheduleAt: campaign.scheduleAt,
    window: campaign.window,
    now,
    estimate: () => estimateFor(ctx, sender, campaign, accounts, remaining, now),
  });
  return {
    campaignId,
    status: campaign.status,
    pausedReason: campaign.pausedReason,
    counts,
    total,
    ratePerMinute: {
      last1: store.recipients.sentSince(campaignId, now - 60_000),
      last10: Math.round((store.recipients.sentSince(campaignId, now - 600_000) / 10) * 10) / 10,
    },
    eta,
    waiting: campaign.status === 'sending' ? sender.waitingReason(campaignId) : null,
    accounts: accounts.map((a) => accountUsage(ctx, sender, a)),
    ...failureSummary(ctx, campaignId),
    skipped: store.recipients.skipCounts(campaignId),
    at: now,
  };
}

/**
 * When the campaign's remaining rows would be sent by these accounts, counting the work queued
 * ahead of it on shared accounts. null when nothing is left.
 */
export function estimateFor(
  ctx: EngineContext,
  sender: Sender,
  campaign: Campaign,
  accounts: Account[],
  remaining: number,
  now: number,
): { at: number | null; limitedBy: string } | null {
  const { store } = ctx;
  // Campaigns drain in the user's order: work queued ahead of this one on a shared account comes first.
  const pool = accounts.map((a) => a.id);
  const ahead = store.campaigns
    .listSending()
    .filter(
      (o) =>
        o.id !== campaign.id &&
        before(o, campaign) &&
        o.pool.some((id) => pool.includes(id)) &&
        // One that cannot send yet (scheduled later, outside its window) does not hold this one up.
        (o.scheduleAt === null || o.scheduleAt <= now) &&
        (o.window === null || windowState(o.window, now).open),
    )
    .reduce((n, o) => {
      const c = store.recipients.counts(o.id);
      return n + c.queued + c.sending;
    }, 0);
  const eta =
    remaining > 0
      ? estimateFinish({
          remaining: remaining + ahead,
          now: Math.max(now, campaign.scheduleAt ?? 0),
          window: campaign.window,
          accounts: accounts.map((a) => {
            const u = sender.usage.get(a.id, now);
            // A pace learned from the provider's throttling is the account's real per-minute cap for now.
            const pace = u.pace.perMinute;
            return {
              limits: pace === null ? a.limits : { ...a.limits, perMinute: Math.min(a.limits.perMinute, pace) },
              sends: u.sends,
              cooldownUntil: a.cooldownUntil,
              usable: a.status === 'active',
              kind: a.kind,
              label: a.label,
            };
          }),
        })
      : null;
  return eta ? { at: Number.isFinite(eta.at) ? eta.at : null, limitedBy: eta.limitedBy } : null;
}

function failureSummary(ctx: EngineContext, campaignId: number) {
  const groups = ctx.store.recipients.failureGroups(campaignId, { offset: 0, limit: PROGRESS_FAILURE_GROUPS });
  return { failures: groups.rows, failureGroups: groups.total };
}

const before = (a: { position: number; id: number }, b: { position: number; id: number }) =>
  a.position < b.position || (a.position === b.position && a.id < b.id);
