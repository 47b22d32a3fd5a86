import { useRequest } from '../../data/hooks';
import { formatTime } from '../../lib/format';

export function ActivityScreen() {
  const activity = useRequest('activity.list', { limit: 200 });
  const campaigns = useRequest('campaigns.list', {});

  const campaignName = (id: number | null) =>
    id === null ? null : (campaigns.data?.find((c) => c.id === id)?.name ?? `#${id}`);
  const entries = activity.data ?? [];

  return (
    <section aria-labelledby="activity-title" className="stack">
      <h1 id="activity-title">Activity</h1>
      {activity.isSuccess && entries.length === 0 ? (
        <p className="empty">Nothing has happened yet.</p>
      ) : (
        <ol className="activity" aria-live="polite">
          {entries.map((a) => (
            <li key={a.id} className={`level-${a.level}`}>
              <time dateTime={new Date(a.at).toISOString()}>{formatTime(a.at)}</time>
              <span className={`badge level-${a.level}`}>{a.level}</span>
              {campaignName(a.campaignId) && <span className="muted">{campaignName(a.campaignId)}</span>}
              <span>{a.message}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
