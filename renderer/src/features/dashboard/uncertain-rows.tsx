// Rows whose outcome is unknown, one by one with what is known, so the user can resend or mark
// exactly the ones they know about; the campaign-wide actions stay for the common case.
import { useState } from 'react';
import type { UncertainRow } from '../../../../shared/domain';
import { routeHash } from '../../app/routes';
import { useConfirm } from '../../components/confirm';
import { ErrorNote } from '../../components/error-note';
import { useMutate } from '../../data/hooks';
import { usePagedRequest } from '../../data/paged';
import { formatTime } from '../../lib/format';

const HANDOVER = {
  smtp_body_sent: 'The whole message reached the mail server; the connection broke before it confirmed.',
  gmail_body_sent: 'The request to Gmail was under way; no answer came. Gmail may or may not have sent it.',
  outbox_written: 'The local outbox stored this message before the app stopped: it arrived there.',
  app_stopped: 'The app stopped while this was being sent.',
} as const;

/** Rows made uncertain before the handover was recorded still say what their cause tells. */
const CAUSES = {
  stopped: 'The app stopped while this was being sent.',
  interrupted: 'The connection broke after the message was handed over.',
} as const;

export function handoverText(r: Pick<UncertainRow, 'handover' | 'cause'>): string {
  if (r.handover) return HANDOVER[r.handover];
  return r.cause ? CAUSES[r.cause] : 'Not recorded.';
}

export function UncertainRows({ campaignId, count }: { campaignId: number; count: number }) {
  const list = usePagedRequest('campaigns.uncertain', { id: campaignId, limit: 100 });
  const resend = useMutate('campaigns.resendUncertain');
  const mark = useMutate('campaigns.markUncertainSent');
  const [picked, setPicked] = useState<Set<number>>(new Set());
  const [dialog, confirm] = useConfirm();
  const busy = resend.busy || mark.busy;
  const selection = [...picked].filter((id) => list.rows.some((r) => r.recipientId === id));

  const toggle = (id: number, on: boolean) =>
    setPicked((p) => {
      const next = new Set(p);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });

  const act = async (which: 'resend' | 'mark', ids: number[] | null) => {
    const n = ids ? ids.length : count;
    const yes =
      which === 'resend'
        ? await confirm(
            'Resend?',
            `${n} message(s) are queued again. Anyone who already got one gets it twice.`,
            'Resend',
          )
        : await confirm('Mark as sent?', `${n} message(s) are recorded as sent and never sent again.`, 'Mark as sent');
    if (!yes) return;
    const input = ids ? { id: campaignId, recipientIds: ids } : { id: campaignId };
    const r = await (which === 'resend' ? resend.run(input) : mark.run(input));
    if (r) setPicked(new Set());
  };

  return (
    <section aria-labelledby="uncertain-title" className="card">
      <h2 id="uncertain-title" className="small">
        Uncertain ({count})
      </h2>
      <p className="warn-note">
        These messages may or may not have gone out. Check the ones you can (the outbox copy, the server's logs, your
        sent folder), then resend or mark each selection.
      </p>
      <ErrorNote message={list.errorMessage ?? resend.error ?? mark.error} />
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">
                <input
                  type="checkbox"
                  aria-label="Select all shown"
                  checked={list.rows.length > 0 && selection.length === list.rows.length}
                  onChange={(e) => setPicked(new Set(e.target.checked ? list.rows.map((r) => r.recipientId) : []))}
                />
              </th>
              <th scope="col">Address</th>
              <th scope="col">Claimed</th>
              <th scope="col">Account</th>
              <th scope="col">How far it got</th>
              <th scope="col">Copy</th>
            </tr>
          </thead>
          <tbody>
            {list.rows.map((r) => (
              <tr key={r.recipientId} data-testid="uncertain-row">
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Select ${r.address}`}
                    checked={picked.has(r.recipientId)}
                    onChange={(e) => toggle(r.recipientId, e.target.checked)}
                  />
                </td>
                <td>{r.address}</td>
                <td>{formatTime(r.claimedAt)}</td>
                <td>{r.accountLabel ?? '—'}</td>
                <td data-testid="handover">
                  {handoverText(r)}
                  {/* After a stop the error is only our own sentence; after a break it is what the wire said. */}
                  {r.lastError && r.cause !== 'stopped' && <div className="muted">{r.lastError}</div>}
                </td>
                <td>
                  {r.outboxItemId !== null ? (
                    <a href={routeHash({ name: 'outbox', messageId: r.outboxItemId })}>Outbox copy</a>
                  ) : (
                    '—'
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {list.hasMore && (
        <button type="button" className="link" onClick={list.loadMore}>
          Show more ({list.rows.length} of {list.total})
        </button>
      )}
      <div className="row">
        <button type="button" disabled={busy || selection.length === 0} onClick={() => act('resend', selection)}>
          Resend selected ({selection.length})
        </button>
        <button type="button" disabled={busy || selection.length === 0} onClick={() => act('mark', selection)}>
          Mark selected as sent
        </button>
        <span className="push-right" />
        <button type="button" disabled={busy} onClick={() => act('resend', null)}>
          Resend all uncertain
        </button>
        <button type="button" disabled={busy} onClick={() => act('mark', null)}>
          Mark all uncertain as sent
        </button>
      </div>
      {dialog}
    </section>
  );
}
