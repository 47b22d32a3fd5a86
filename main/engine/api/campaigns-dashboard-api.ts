// What the dashboard reads beyond the live progress: the send rate over time, every failure
// group with examples, the pool's capacity and ETA, and the uncertain rows one by one.
import type { Account } from '../../../shared/domain';
import type { EngineContext } from '../context';
import { notFound } from '../errors';
import { dayCap, headroom } from '../policy/throttle';
import { estimateFor } from '../sender/progress';
import type { Sender } from '../sender/sender';
import type { Handlers } from './handlers';

type DashboardHandlerNames = 'campaigns.sendRate' | 'campaigns.failures' | 'campaigns.capacity' | 'campaigns.uncertain';

/** A chart has room for this many points; a longer span gets wider buckets. */
export const MAX_BUCKETS = 1_440;
const MINUTE = 60_000;
const HOUR = 3_600_000;

export function campaignDashboardHandlers(
  ctx: EngineContext,
  deps: { sender: () => Sender },
): Pick<Handlers, DashboardHandlerNames> {
  const { store } = ctx;
  const campaign = (id: number) => {
    const c = store.campaigns.get(id);
    if (!c) throw notFound('The campaign');
    return c;
  };

  return {
    'campaigns.sendRate': ({ id, from, to, bucketMs }) => {
      const c = campaign(id);
      const now = ctx.clock.now();
      const end = to ?? now;
      const start = from ?? store.recipients.firstSentAt(c.id) ?? end - HOUR;
      // Whole minutes, so buckets line up with the clock; wide enough to stay under MAX_BUCKETS.
      let bucket = bucketMs;
      const span = Math.max(0, end - start);
      if (span / bucket > MAX_BUCKETS) bucket = Math.ceil(span / MAX_BUCKETS / MINUTE) * MINUTE;
      const first = Math.floor(start / bucket) * bucket;
      const count = Math.max(1, Math.ceil((end - first) / bucket));
      const sent = store.recipients.sentBuckets(c.id, first, first + count * bucket, bucket);
      const buckets = Array.from({ length: count }, (_, i) => ({ at: first + i * bucket, sent: sent.get(i) ?? 0 }));
      return { campaignId: c.id, bucketMs: bucket, from: first, to: first + count * bucket, buckets };
    },

    'campaigns.failures': ({ id, offset, limit, examples }) => {
      const c = campaign(id);
      const groups = store.recipients.failureGroups(c.id, { offset, limit });
      return {
        total: groups.total,
        rows: groups.rows.map((g) => ({
          ...g,
          examples: examples > 0 ? store.recipients.failureExamples(c.id, g, examples) : [],
        })),
      };
    },

    'campaigns.capacity': ({ id, pool }) => {
      const c = campaign(id);
      const now = ctx.clock.now();
      const accounts = (pool ?? c.pool).map((accountId) => {
        const a = store.accounts.get(accountId);
        if (!a) throw notFound(`Account ${accountId}`);
        return a;
      });
      const usable = (a: Account) => a.status === 'active';
      const rows = accounts.map((a) => ({
        accountId: a.id,
        label: a.label,
        perDay: dayCap(a.limits),
        perHour: a.limits.perHour,
        leftToday: headroom(a.limits, deps.sender().usage.get(a.id, now).sends, now).day,
        usable: usable(a),
      }));
      const counts = store.recipients.counts(c.id);
      const remaining = counts.queued + counts.sending;
      const open = c.status !== 'done' && c.status !== 'cancelled';
      return {
        campaignId: c.id,
        perDay: rows.filter((r) => r.usable).reduce((n, r) => n + r.perDay, 0),
        perHour: rows.filter((r) => r.usable).reduce((n, r) => n + r.perHour, 0),
        accounts: rows,
        remaining,
        eta: open ? estimateFor(ctx, deps.sender(), c, accounts, remaining, now) : null,
      };
    },

    'campaigns.uncertain': ({ id, after, limit }) => {
      const c = campaign(id);
      const page = store.recipients.uncertainPage(c.id, after ?? 0, limit);
      const labels = new Map<number, string | null>();
      const labelOf = (accountId: number | null) => {
        if (accountId === null) return null;
        if (!labels.has(accountId)) labels.set(accountId, store.accounts.withRemoved(accountId)?.label ?? null);
        return labels.get(accountId) ?? null;
      };
      return {
        total: page.total,
        next: page.next,
        rows: page.rows.map((r) => ({
          recipientId: r.id,
          address: r.address,
          messageId: r.messageId,
          claimedAt: r.claimedAt,
          accountId: r.accountId,
          accountLabel: labelOf(r.accountId),
          cause: r.cause,
          lastError: r.lastError,
          outboxItemId: store.outbox.latestFor(r.id),
        })),
      };
    },
  };
}
