import type { Account, AccountUsage } from '../../../../shared/domain';
import { useConfirm } from '../../components/confirm';
import { ErrorNote } from '../../components/error-note';
import { UsageMeter } from '../../components/usage-meter';
import { useMutate } from '../../data/hooks';
import { formatTime } from '../../lib/format';
import { FeedbackToggle } from '../feedback/feedback-toggle';
import { GmailConnect } from './gmail-connect';

export function AccountCard({ account: a, usage: u }: { account: Account; usage: AccountUsage | undefined }) {
  const setPaused = useMutate('accounts.setPaused');
  const remove = useMutate('accounts.remove');
  const [dialog, confirm] = useConfirm();
  const busy = setPaused.busy || remove.busy;

  const onRemove = async () => {
    const yes = await confirm(
      'Remove account?',
      `${a.label} will no longer send. Its saved password is deleted too.`,
      'Remove',
    );
    if (yes) await remove.run({ id: a.id });
  };

  return (
    <li className={`card${a.status === 'needs_reauth' ? ' attention' : ''}`} data-testid={`account-${a.kind}`}>
      <div className="row spread">
        <div>
          <strong>{a.label}</strong> <span className="muted">&lt;{a.fromAddress}&gt;</span>{' '}
          <span className="badge">{a.kind === 'outbox' ? 'local test outbox' : a.kind}</span>
        </div>
        <span className={`badge status-${a.status}`}>{a.status.replace('_', ' ')}</span>
      </div>
      {a.status === 'needs_reauth' && (
        <div className="warn-note">
          <p>This account must be connected again before it can send. {a.lastError}</p>
          {a.kind === 'gmail' && <GmailConnect reconnectAccountId={a.id} label="Reconnect" />}
        </div>
      )}
      {a.status !== 'needs_reauth' && a.lastError && <p className="muted">Last error: {a.lastError}</p>}
      {a.cooldownUntil !== null && a.cooldownUntil > Date.now() && (
        <p className="warn-note">Cooling down until {formatTime(a.cooldownUntil)}</p>
      )}
      {u && (
        <div className="usage-grid">
          <UsageMeter label="Last minute" used={u.lastMinute} cap={a.limits.perMinute} />
          <UsageMeter label="Last hour" used={u.lastHour} cap={a.limits.perHour} />
          <UsageMeter label="Last 24 h" used={u.last24h} cap={a.limits.perDay} />
        </div>
      )}
      {a.kind !== 'outbox' && <FeedbackToggle account={a} />}
      <div className="row">
        {a.status === 'paused' ? (
          <button type="button" onClick={() => setPaused.run({ id: a.id, paused: false })} disabled={busy}>
            Resume
          </button>
        ) : (
          <button
            type="button"
            onClick={() => setPaused.run({ id: a.id, paused: true })}
            disabled={busy || a.status === 'needs_reauth'}
          >
            Pause
          </button>
        )}
        <button type="button" className="danger" onClick={onRemove} disabled={busy}>
          Remove
        </button>
      </div>
      <ErrorNote message={setPaused.error ?? remove.error} />
      {dialog}
    </li>
  );
}
