// Per account: read bounces, complaints, replies and unsubscribe requests from its inbox, or not.
import { type FormEvent, useState } from 'react';
import type { Account } from '../../../../shared/domain';
import { ErrorNote } from '../../components/error-note';
import { useMutate, useRequest } from '../../data/hooks';

export function FeedbackToggle({ account }: { account: Account }) {
  const reader = useRequest('feedback.readers', {}).data?.find((r) => r.accountId === account.id);
  const configure = useMutate('feedback.configure');
  const connect = useMutate('gmail.connect');
  const [editing, setEditing] = useState(false);
  const [consentUrl, setConsentUrl] = useState<string | null>(null);
  const [host, setHost] = useState('');
  const [port, setPort] = useState(993);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  if (!reader) return null;

  const edit = () => {
    setHost(reader.imap?.host ?? '');
    setPort(reader.imap?.port ?? 993);
    setUsername(reader.imap?.username ?? '');
    setEditing(true);
  };
  const turnOn = async (e: FormEvent) => {
    e.preventDefault();
    const security = port === 993 ? 'tls' : port === 143 ? 'starttls' : (reader.imap?.security ?? 'tls');
    const r = await configure.run({
      accountId: account.id,
      enabled: true,
      ...(host
        ? { imap: { host: host.trim(), port, security, username: username.trim() || null, mailbox: 'INBOX' } }
        : {}),
      ...(password ? { password } : {}),
    });
    setPassword('');
    if (r) setEditing(false);
  };
  // Gmail: Google grants the read scope in the browser; the engine turns the reader on once it has.
  const allowGmail = async () => {
    const flow = await connect.run({ reconnectAccountId: account.id, readFeedback: true });
    if (flow) setConsentUrl(flow.authUrl);
  };
  const state = !reader.enabled
    ? 'off'
    : reader.status === 'error' || reader.status === 'needs_consent'
      ? 'needs attention'
      : 'on';

  return (
    <div className="stack feedback-toggle">
      <div className="row">
        <span className="muted" data-testid={`feedback-state-${account.id}`}>
          Feedback: {state}
          {reader.lastError && ` — ${reader.lastError}`}
        </span>
        {reader.enabled ? (
          <button
            type="button"
            onClick={() => configure.run({ accountId: account.id, enabled: false })}
            disabled={configure.busy}
          >
            Stop reading feedback
          </button>
        ) : (
          !editing && (
            <button type="button" onClick={edit}>
              Read bounces and replies…
            </button>
          )
        )}
      </div>
      {editing && (
        <p className="muted">
          Campaign Tray reads this account’s inbox, read-only, for bounce notices, spam complaints, replies and
          unsubscribe requests to your campaigns. It never moves, deletes or marks a message.
        </p>
      )}
      {editing && reader.via === 'gmail' && (
        <div className="row">
          {consentUrl ? (
            <span>
              Finish in your browser, or{' '}
              <a href={consentUrl} target="_blank" rel="noreferrer noopener">
                open the Google consent page
              </a>
              .
            </span>
          ) : (
            <button type="button" className="primary" onClick={allowGmail} disabled={connect.busy}>
              Allow reading in the browser
            </button>
          )}
          <button type="button" onClick={() => setEditing(false)}>
            Cancel
          </button>
        </div>
      )}
      {editing && reader.via === 'imap' && (
        <form className="stack" onSubmit={turnOn}>
          <label>
            IMAP server <input value={host} onChange={(e) => setHost(e.target.value)} required />
          </label>
          <label>
            Port <input type="number" value={port} onChange={(e) => setPort(Number(e.target.value))} />
          </label>
          <label>
            User name (empty: the SMTP login){' '}
            <input value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="off" />
          </label>
          <label>
            Password (empty: the SMTP password){' '}
            <input
              type="password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              autoComplete="new-password"
            />
          </label>
          <div className="row">
            <button type="submit" className="primary" disabled={configure.busy}>
              Turn on
            </button>
            <button type="button" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </div>
        </form>
      )}
      <ErrorNote message={configure.error ?? connect.error} />
    </div>
  );
}
