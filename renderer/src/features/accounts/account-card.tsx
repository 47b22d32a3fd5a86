import { useState } from 'react';
import type { Account, AccountUsage } from '../../../../shared/domain';
import { ErrorNote } from '../../components/error-note';
import { UsageMeter } from '../../components/usage-meter';
import { useMutate } from '../../data/hooks';
import { FeedbackToggle } from '../feedback/feedback-toggle';
import { AccountBadge } from './account-badge';
import { EditAccountForm } from './edit-account-form';
import { GmailConnect } from './gmail-connect';
import { RemoveAccountDialog } from './remove-account-dialog';

export function AccountCard({ account: a, usage: u }: { account: Account; usage: AccountUsage | undefined }) {
  const setPaused = useMutate('accounts.setPaused');
  const [editing, setEditing] = useState(false);
  const [removing, setRemoving] = useState(false);
  const busy = setPaused.busy;

  return (
    <li className={`card${a.status === 'needs_reauth' ? ' attention' : ''}`} data-testid={`account-${a.kind}`}>
      <div className="row spread">
        <div>
          <strong>{a.label}</strong> <span className="muted">&lt;{a.fromAddress}&gt;</span>{' '}
          <span className="badge">{a.kind === 'outbox' ? 'local test outbox' : a.kind}</span>
        </div>
        {u ? <AccountBadge state={u.state} /> : <span className="badge">{a.status.replace('_', ' ')}</span>}
      </div>
      {a.status === 'needs_reauth' && (
        <div className="warn-note">
          <p>This account must be connected again before it can send. {a.lastError}</p>
          {a.kind === 'gmail' && <GmailConnect reconnectAccountId={a.id} label="Reconnect" />}
        </div>
      )}
      {a.status !== 'needs_reauth' && a.lastError && <p className="muted">Last error: {a.lastError}</p>}
      {u && u.state.code !== 'ready' && u.state.code !== 'paused' && <p className="warn-note">{u.state.reason}</p>}
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
        {a.kind !== 'outbox' && (
          <button type="button" onClick={() => setEditing(!editing)} aria-expanded={editing}>
            Edit
          </button>
        )}
        {a.kind !== 'outbox' && (
          <button type="button" className="danger" onClick={() => setRemoving(true)} disabled={busy}>
            Remove
          </button>
        )}
      </div>
      {editing && <EditAccountForm account={a} onDone={() => setEditing(false)} />}
      <ErrorNote message={setPaused.error} />
      {removing && <RemoveAccountDialog account={a} onClose={() => setRemoving(false)} />}
    </li>
  );
}
