import { type FormEvent, useEffect, useState } from 'react';
import type { EventPayloads, SmtpPreset } from '../../../shared/contract';
import type { Account, SmtpSecurity } from '../../../shared/domain';
import { useConfirm } from '../components/confirm';
import { ErrorNote } from '../components/error-note';
import { UsageMeter } from '../components/usage-meter';
import { useAction } from '../components/use-action';
import { formatTime } from '../lib/format';
import { api, useApp } from '../state/app-store';

export function AccountsScreen() {
  const accounts = useApp((s) => s.accounts);
  const usage = useApp((s) => s.usage);
  const refreshAccounts = useApp((s) => s.refreshAccounts);
  const row = useAction();
  const [dialog, confirm] = useConfirm();

  useEffect(() => {
    void refreshAccounts();
  }, [refreshAccounts]);

  const setPaused = async (a: Account, paused: boolean) => {
    if (await row.run(() => api().call('accounts.setPaused', { id: a.id, paused }))) await refreshAccounts();
  };
  const remove = async (a: Account) => {
    const yes = await confirm(
      'Remove account?',
      `${a.label} will no longer send. Its saved password is deleted too.`,
      'Remove',
    );
    if (yes && (await row.run(() => api().call('accounts.remove', { id: a.id })))) await refreshAccounts();
  };

  return (
    <section aria-labelledby="accounts-title" className="stack">
      <h1 id="accounts-title">Accounts</h1>
      <ErrorNote message={row.error} />
      <ul className="account-list">
        {accounts.map((a) => {
          const u = usage.find((x) => x.accountId === a.id);
          return (
            <li
              key={a.id}
              className={`card${a.status === 'needs_reauth' ? ' attention' : ''}`}
              data-testid={`account-${a.kind}`}
            >
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
              <div className="row">
                {a.status === 'paused' ? (
                  <button type="button" onClick={() => setPaused(a, false)} disabled={row.busy}>
                    Resume
                  </button>
                ) : (
                  <button
                    type="button"
                    onClick={() => setPaused(a, true)}
                    disabled={row.busy || a.status === 'needs_reauth'}
                  >
                    Pause
                  </button>
                )}
                <button type="button" className="danger" onClick={() => remove(a)} disabled={row.busy}>
                  Remove
                </button>
              </div>
            </li>
          );
        })}
      </ul>
      <div className="two-col">
        <AddSmtpForm />
        <GmailPanel />
      </div>
      {dialog}
    </section>
  );
}

function AddSmtpForm() {
  const refreshAccounts = useApp((s) => s.refreshAccounts);
  const [presets, setPresets] = useState<SmtpPreset[]>([]);
  const [presetId, setPresetId] = useState('custom');
  const [label, setLabel] = useState('');
  const [fromName, setFromName] = useState('');
  const [fromAddress, setFromAddress] = useState('');
  const [host, setHost] = useState('');
  const [port, setPort] = useState(587);
  const [security, setSecurity] = useState<SmtpSecurity>('starttls');
  const [username, setUsername] = useState('');
  // The password lives only in this field until submit, then is cleared; it never enters the store.
  const [password, setPassword] = useState('');
  const [verify, setVerify] = useState(true);
  const [added, setAdded] = useState<string | null>(null);
  const add = useAction();
  const { run } = add;

  useEffect(() => {
    void run(() => api().call('accounts.presets', {})).then((p) => p && setPresets(p));
  }, [run]);

  const pickPreset = (id: string) => {
    setPresetId(id);
    const p = presets.find((x) => x.id === id);
    if (!p) return;
    setHost(p.host);
    setPort(p.port);
    setSecurity(p.security);
    if (!label) setLabel(p.label);
  };
  const preset = presets.find((x) => x.id === presetId);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setAdded(null);
    const secret = password;
    setPassword('');
    const a = await add.run(() =>
      api().call('accounts.addSmtp', {
        label: label.trim(),
        fromName: fromName.trim(),
        fromAddress: fromAddress.trim(),
        preset: presetId,
        smtp: { host: host.trim(), port, security, username: username.trim() || null },
        password: username.trim() ? secret : null,
        verify,
      }),
    );
    if (a) {
      setAdded(`${a.label} was added.`);
      setLabel('');
      await refreshAccounts();
    }
  };

  return (
    <form className="card stack" onSubmit={onSubmit} aria-labelledby="smtp-title">
      <h2 id="smtp-title">Add SMTP account</h2>
      <label>
        Provider
        <select value={presetId} onChange={(e) => pickPreset(e.target.value)}>
          <option value="custom">Other (enter the server yourself)</option>
          {presets
            .filter((p) => p.id !== 'custom')
            .map((p) => (
              <option key={p.id} value={p.id}>
                {p.label}
              </option>
            ))}
        </select>
      </label>
      {preset?.note && <p className="muted">{preset.note}</p>}
      <label>
        Label
        <input value={label} onChange={(e) => setLabel(e.target.value)} required maxLength={200} />
      </label>
      <div className="row">
        <label className="grow">
          From name
          <input value={fromName} onChange={(e) => setFromName(e.target.value)} maxLength={200} />
        </label>
        <label className="grow">
          From address
          <input type="email" value={fromAddress} onChange={(e) => setFromAddress(e.target.value)} required />
        </label>
      </div>
      <div className="row">
        <label className="grow">
          Server
          <input value={host} onChange={(e) => setHost(e.target.value)} required placeholder="smtp.example.com" />
        </label>
        <label>
          Port
          <input
            type="number"
            min={1}
            max={65535}
            value={port}
            onChange={(e) => setPort(Number(e.target.value))}
            required
          />
        </label>
        <label>
          Security
          <select value={security} onChange={(e) => setSecurity(e.target.value as SmtpSecurity)}>
            <option value="tls">TLS</option>
            <option value="starttls">STARTTLS</option>
            <option value="none">None</option>
          </select>
        </label>
      </div>
      <div className="row">
        <label className="grow">
          Username
          <input value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="off" />
        </label>
        <label className="grow">
          Password
          <input
            type="password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            autoComplete="new-password"
          />
        </label>
      </div>
      <label className="check">
        <input type="checkbox" checked={verify} onChange={(e) => setVerify(e.target.checked)} />
        Log in to the server before saving
      </label>
      <p className="muted">The password goes to the system keychain, never to the app’s database.</p>
      <div className="row">
        <button type="submit" className="primary" disabled={add.busy}>
          {add.busy ? 'Checking…' : 'Add account'}
        </button>
        {added && <span role="status">{added}</span>}
      </div>
      <ErrorNote message={add.error} />
    </form>
  );
}

function GmailPanel() {
  const [configured, setConfigured] = useState<boolean | null>(null);
  const [clientId, setClientId] = useState('');
  const [clientSecret, setClientSecret] = useState('');
  const load = useAction();
  const saveClient = useAction();
  const { run } = load;

  useEffect(() => {
    void run(() => api().call('gmail.getClient', {})).then((r) => {
      if (!r) return;
      setConfigured(r.configured);
      setClientId(r.clientId ?? '');
    });
  }, [run]);

  const onSaveClient = async (e: FormEvent) => {
    e.preventDefault();
    const secret = clientSecret;
    setClientSecret('');
    const r = await saveClient.run(() =>
      api().call('gmail.setClient', { clientId: clientId.trim(), clientSecret: secret }),
    );
    if (r) setConfigured(true);
  };

  return (
    <section className="card stack" aria-labelledby="gmail-title">
      <h2 id="gmail-title">Gmail</h2>
      <ErrorNote message={load.error} />
      {configured === false && (
        <form className="stack" onSubmit={onSaveClient}>
          <p className="muted">
            Gmail accounts connect through your own Google Cloud OAuth client of type “Desktop app”. Paste its client ID
            and secret once.
          </p>
          <label>
            Client ID
            <input value={clientId} onChange={(e) => setClientId(e.target.value)} required />
          </label>
          <label>
            Client secret
            <input
              type="password"
              value={clientSecret}
              onChange={(e) => setClientSecret(e.target.value)}
              required
              autoComplete="off"
            />
          </label>
          <button type="submit" className="primary" disabled={saveClient.busy}>
            Save OAuth client
          </button>
          <ErrorNote message={saveClient.error} />
        </form>
      )}
      {configured && (
        <>
          <p className="muted">OAuth client: {clientId}</p>
          <GmailConnect label="Connect Gmail" />
          <button type="button" className="link" onClick={() => setConfigured(false)}>
            Change OAuth client
          </button>
        </>
      )}
    </section>
  );
}

function GmailConnect({ reconnectAccountId, label }: { reconnectAccountId?: number; label: string }) {
  const refreshAccounts = useApp((s) => s.refreshAccounts);
  const [flow, setFlow] = useState<{ flowId: string; authUrl: string } | null>(null);
  const [outcome, setOutcome] = useState<EventPayloads['gmail.connect'] | null>(null);
  const connect = useAction();

  useEffect(
    () =>
      api().on('gmail.connect', (p) => {
        if (!flow || p.flowId !== flow.flowId) return;
        setOutcome(p);
        setFlow(null);
        if (p.status === 'connected') void refreshAccounts();
      }),
    [flow, refreshAccounts],
  );

  const start = async () => {
    setOutcome(null);
    const r = await connect.run(() => api().call('gmail.connect', reconnectAccountId ? { reconnectAccountId } : {}));
    if (r) setFlow(r);
  };
  const cancel = async () => {
    if (flow) await api().call('gmail.cancelConnect', { flowId: flow.flowId });
    setFlow(null);
  };

  return (
    <div className="stack">
      {!flow && (
        <button type="button" className="primary" onClick={start} disabled={connect.busy}>
          {label}
        </button>
      )}
      {flow && (
        <span>
          Finish in your browser. If it did not open,{' '}
          <a href={flow.authUrl} target="_blank" rel="noreferrer noopener">
            open the Google consent page
          </a>
          .{' '}
          <button type="button" className="link" onClick={cancel}>
            Cancel
          </button>
        </span>
      )}
      {outcome && (
        <span role="status" className={outcome.status === 'connected' ? 'ok-note' : 'error-note'}>
          {outcome.status === 'connected'
            ? `Connected ${outcome.account?.fromAddress ?? ''}.`
            : (outcome.message ?? `Not connected (${outcome.status}).`)}
        </span>
      )}
      <ErrorNote message={connect.error} />
    </div>
  );
}
