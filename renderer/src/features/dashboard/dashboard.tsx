// The live view of one campaign: controls, counts, pace, what it waits for, accounts, failures.
import type { CampaignSummary, RequestName } from '../../../../shared/contract';
import { RECIPIENT_STATES } from '../../../../shared/domain';
import { useConfirm } from '../../components/confirm';
import { ErrorNote } from '../../components/error-note';
import { UsageMeter } from '../../components/usage-meter';
import { useMutate, useRequest } from '../../data/hooks';
import { saveDownload } from '../../lib/files';
import { formatRelative, formatTime, STATE_LABELS } from '../../lib/format';
import { FeedbackCounts } from '../feedback/feedback-counts';

type Control = Extract<RequestName, 'campaigns.start' | 'campaigns.pause' | 'campaigns.resume' | 'campaigns.cancel'>;
type Repair = Extract<
  RequestName,
  'campaigns.retryFailed' | 'campaigns.resendUncertain' | 'campaigns.markUncertainSent'
>;

export function Dashboard({ campaign }: { campaign: CampaignSummary }) {
  const progress = useRequest('campaigns.progress', { id: campaign.id }).data;
  const controls = {
    'campaigns.start': useMutate('campaigns.start'),
    'campaigns.pause': useMutate('campaigns.pause'),
    'campaigns.resume': useMutate('campaigns.resume'),
    'campaigns.cancel': useMutate('campaigns.cancel'),
  };
  const repairs = {
    'campaigns.retryFailed': useMutate('campaigns.retryFailed'),
    'campaigns.resendUncertain': useMutate('campaigns.resendUncertain'),
    'campaigns.markUncertainSent': useMutate('campaigns.markUncertainSent'),
  };
  const exporter = useMutate('campaigns.exportResults');
  const [dialog, confirm] = useConfirm();
  const control = {
    busy: Object.values(controls).some((c) => c.busy),
    error: Object.values(controls).find((c) => c.error)?.error ?? null,
  };
  const repair = {
    busy: Object.values(repairs).some((c) => c.busy),
    error: Object.values(repairs).find((c) => c.error)?.error ?? null,
  };

  const counts = progress?.counts ?? campaign.counts;
  const total = progress?.total ?? RECIPIENT_STATES.reduce((n, s) => n + counts[s], 0);
  const done = counts.sent + counts.failed + counts.skipped;
  const status = progress?.status ?? campaign.status;

  const act = async (name: Control) => {
    if (name === 'campaigns.cancel') {
      const yes = await confirm(
        'Cancel this campaign?',
        'Queued recipients will not be sent. Messages already sent stay sent. This cannot be undone.',
        'Cancel campaign',
      );
      if (!yes) return;
    }
    await controls[name].run({ id: campaign.id });
  };

  const fix = async (name: Repair, title: string, body: string, label: string) => {
    if (!(await confirm(title, body, label))) return;
    await repairs[name].run({ id: campaign.id });
  };

  const onExport = async () => {
    const f = await exporter.run({ id: campaign.id });
    if (f) saveDownload(f);
  };

  return (
    <div className="stack dashboard">
      <div className="row">
        {status === 'draft' && (
          <button type="button" className="primary" onClick={() => act('campaigns.start')} disabled={control.busy}>
            Start sending
          </button>
        )}
        {status === 'sending' && (
          <button type="button" onClick={() => act('campaigns.pause')} disabled={control.busy}>
            Pause
          </button>
        )}
        {status === 'paused' && (
          <button type="button" className="primary" onClick={() => act('campaigns.resume')} disabled={control.busy}>
            Resume
          </button>
        )}
        {(status === 'sending' || status === 'paused') && (
          <button type="button" className="danger" onClick={() => act('campaigns.cancel')} disabled={control.busy}>
            Cancel
          </button>
        )}
        <button type="button" className="push-right" onClick={onExport} disabled={exporter.busy}>
          Export results
        </button>
      </div>
      <ErrorNote message={control.error ?? exporter.error} />
      {progress?.pausedReason && <p className="warn-note">Paused by the app: {progress.pausedReason}</p>}

      <section aria-labelledby="progress-title" className="card">
        <h2 id="progress-title" className="small">
          Progress
        </h2>
        <progress max={Math.max(total, 1)} value={done} aria-label={`${done} of ${total} done`} />
        <p data-testid="progress-summary">
          {total === 0
            ? 'No recipients yet.'
            : status === 'done'
              ? `Finished: ${counts.sent} of ${total} sent.`
              : `${done} of ${total} done.`}
        </p>
        <ul className="counts" aria-label="Recipients by state">
          {RECIPIENT_STATES.map((s) => (
            <li key={s} className={`count state-${s}`}>
              <span>{STATE_LABELS[s]}</span> <strong data-testid={`count-${s}`}>{counts[s]}</strong>
            </li>
          ))}
        </ul>
      </section>

      {progress && (
        <section aria-labelledby="pace-title" className="card">
          <h2 id="pace-title" className="small">
            Pace
          </h2>
          <dl className="facts">
            <dt>Sent in the last minute</dt>
            <dd>{progress.ratePerMinute.last1}</dd>
            <dt>Per minute, last 10 minutes</dt>
            <dd>{progress.ratePerMinute.last10.toFixed(1)}</dd>
            <dt>Estimated finish</dt>
            <dd>
              {progress.eta === null
                ? 'Nothing left to send'
                : progress.eta.at === null
                  ? `No account can send now: ${progress.eta.limitedBy}`
                  : `${formatTime(progress.eta.at)} (${formatRelative(progress.eta.at)}), limited by ${progress.eta.limitedBy}`}
            </dd>
            {progress.waiting && (
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
      )}

      {progress && progress.accounts.length > 0 && (
        <section aria-labelledby="accounts-usage-title" className="card">
          <h2 id="accounts-usage-title" className="small">
            Sending accounts
          </h2>
          <ul className="usage-list">
            {progress.accounts.map((a) => (
              <li key={a.accountId}>
                <div className="row spread">
                  <strong>{a.label}</strong>
                  <span className={`badge status-${a.status}`}>{a.status.replace('_', ' ')}</span>
                </div>
                {a.cooldownUntil !== null && a.cooldownUntil > Date.now() && (
                  <p className="warn-note">Cooling down until {formatTime(a.cooldownUntil)}</p>
                )}
                <UsageMeter label="Last minute" used={a.lastMinute} cap={a.limits.perMinute} />
                <UsageMeter label="Last hour" used={a.lastHour} cap={a.limits.perHour} />
                <UsageMeter label="Last 24 h" used={a.last24h} cap={a.limits.perDay} />
              </li>
            ))}
          </ul>
        </section>
      )}

      <FeedbackCounts campaignId={campaign.id} />

      <section aria-labelledby="failures-title" className="card">
        <h2 id="failures-title" className="small">
          Failures and uncertain sends
        </h2>
        {progress && progress.failures.length > 0 ? (
          <table>
            <thead>
              <tr>
                <th scope="col">Kind</th>
                <th scope="col">Reason</th>
                <th scope="col">Recipients</th>
              </tr>
            </thead>
            <tbody>
              {progress.failures.map((f) => (
                <tr key={`${f.errorClass}:${f.message}`}>
                  <td>{f.errorClass}</td>
                  <td>{f.message}</td>
                  <td>{f.count}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="muted">No failures.</p>
        )}
        {counts.uncertain > 0 && (
          <p className="warn-note">
            {counts.uncertain} message(s) may or may not have gone out (the app stopped while sending). Decide what to
            do with them.
          </p>
        )}
        <div className="row">
          <button
            type="button"
            disabled={repair.busy || counts.failed === 0}
            onClick={() =>
              fix(
                'campaigns.retryFailed',
                'Retry failed recipients?',
                `${counts.failed} failed recipient(s) go back to the queue.`,
                'Retry failed',
              )
            }
          >
            Retry failed
          </button>
          <button
            type="button"
            disabled={repair.busy || counts.uncertain === 0}
            onClick={() =>
              fix(
                'campaigns.resendUncertain',
                'Resend uncertain messages?',
                'Recipients who already got the message will get it twice.',
                'Resend',
              )
            }
          >
            Resend uncertain
          </button>
          <button
            type="button"
            disabled={repair.busy || counts.uncertain === 0}
            onClick={() =>
              fix(
                'campaigns.markUncertainSent',
                'Mark uncertain messages as sent?',
                'They will not be sent again, even if they never arrived.',
                'Mark as sent',
              )
            }
          >
            Mark uncertain as sent
          </button>
        </div>
        <ErrorNote message={repair.error} />
      </section>
      {dialog}
    </div>
  );
}
