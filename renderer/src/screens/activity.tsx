import { useEffect } from 'react';
import { formatTime } from '../lib/format';
import { useApp } from '../state/app-store';

export function ActivityScreen() {
  const activity = useApp((s) => s.activity);
  const campaigns = useApp((s) => s.campaigns);
  const refreshActivity = useApp((s) => s.refreshActivity);

  useEffect(() => {
    void refreshActivity();
  }, [refreshActivity]);

  const campaignName = (id: number | null) =>
    id === null ? null : (campaigns.find((c) => c.id === id)?.name ?? `#${id}`);

  return (
    <section aria-labelledby="activity-title" className="stack">
      <h1 id="activity-title">Activity</h1>
      {activity.length === 0 ? (
        <p className="empty">Nothing has happened yet.</p>
      ) : (
        <ol className="activity" aria-live="polite">
          {activity.map((a) => (
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
