// What came back from the mailboxes for one campaign: bounces, complaints, replies, unsubscribes.
import type { FeedbackSignal } from '../../../../shared/domain';
import { useRequest } from '../../data/hooks';

export const FEEDBACK_LABELS: Record<FeedbackSignal, string> = {
  hard_bounce: 'Bounced',
  soft_bounce: 'Soft bounce',
  complaint: 'Spam complaint',
  unsubscribe: 'Unsubscribed',
  reply: 'Replied',
  auto_reply: 'Auto-reply',
};
const ORDER: FeedbackSignal[] = ['hard_bounce', 'soft_bounce', 'complaint', 'unsubscribe', 'reply', 'auto_reply'];

export function FeedbackCounts({ campaignId }: { campaignId: number }) {
  const counts = useRequest('feedback.counts', { campaignId }).data;
  return (
    <section aria-labelledby="feedback-title" className="card">
      <h2 id="feedback-title" className="small">
        Feedback from the mailboxes
      </h2>
      <ul className="counts" aria-label="Recipients by feedback">
        {ORDER.map((k) => (
          <li key={k} className={`count feedback-${k}`}>
            <span>{FEEDBACK_LABELS[k]}</span> <strong data-testid={`feedback-${k}`}>{counts?.[k] ?? 0}</strong>
          </li>
        ))}
      </ul>
      <p className="muted">
        Read from the sending accounts with feedback turned on (Accounts); each address counts once.
      </p>
    </section>
  );
}
