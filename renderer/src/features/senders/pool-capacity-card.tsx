// What the chosen pool can send a day and when it would finish, for the pool as it is in the form.
import { useRequest } from '../../data/hooks';
import { formatRelative, formatTime } from '../../lib/format';
import { useDebounced } from '../../lib/use-debounced';

export function PoolCapacityCard({ campaignId, pool }: { campaignId: number; pool: number[] }) {
  const asked = useDebounced(pool, 300);
  const cap = useRequest('campaigns.capacity', { id: campaignId, pool: asked }, { keepPrevious: true });
  const c = cap.data;
  if (!c) return null;
  return (
    <div className="card capacity" data-testid="pool-capacity">
      <p>
        This pool can send <strong>{c.perDay.toLocaleString()}</strong> a day ({c.perHour.toLocaleString()} an hour).{' '}
        {c.remaining === 0
          ? 'Nothing is left to send.'
          : c.eta === null || c.eta.at === null
            ? `${c.remaining.toLocaleString()} to send, but no account in the pool can send now${c.eta ? `: ${c.eta.limitedBy}` : ''}.`
            : `${c.remaining.toLocaleString()} to send: done about ${formatTime(c.eta.at)} (${formatRelative(c.eta.at)}), limited by ${c.eta.limitedBy}.`}
      </p>
    </div>
  );
}
