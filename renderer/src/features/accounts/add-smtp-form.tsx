import { type FormEvent, useState } from 'react';
import type { Limits, SmtpSecurity } from '../../../../shared/domain';
import { ErrorNote } from '../../components/error-note';
import { useMutate, useRequest } from '../../data/hooks';
import { LimitsFields } from './limits-fields';

export function AddSmtpForm() {
  const presets = useRequest('accounts.presets', {});
  const settings = useRequest('settings.get', {});
  const [presetId, setPresetId] = useState('custom');
  const [label, setLabel] = useState('');
  const [fromName, setFromName] = useState('');
  const [fromAddress, setFromAddress] = useState('');
  const [host, setHost] = useState('');
  const [port, setPort] = useState(587);
  const [security, setSecurity] = useState<SmtpSecurity>('starttls');
  const [username, setUsername] = useState('');
  // The password lives only in this field until submit, then is cleared; it never enters a store.
  const [password, setPassword] = useState('');
  const [verify, setVerify] = useState(true);
  const [added, setAdded] = useState<string | null>(null);
  // null until the user touches a cap: the preset's (or the app's default) values are shown meanwhile.
  const [limitsEdit, setLimitsEdit] = useState<Limits | null>(null);
  const add = useMutate('accounts.addSmtp');
  const list = presets.data ?? [];

  const pickPreset = (id: string) => {
    setPresetId(id);
    const p = list.find((x) => x.id === id);
    if (!p) return;
    setHost(p.host);
    setPort(p.port);
    setSecurity(p.security);
    setLimitsEdit(null);
    if (!label) setLabel(p.label);
  };
  const preset = list.find((x) => x.id === presetId);
  const suggested = presetId === 'custom' ? (settings.data?.defaultLimits ?? preset?.limits) : preset?.limits;
  const limits = limitsEdit ?? suggested ?? null;

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setAdded(null);
    const secret = password;
    setPassword('');
    const a = await add.run({
      label: label.trim(),
      fromName: fromName.trim(),
      fromAddress: fromAddress.trim(),
      preset: presetId,
      smtp: { host: host.trim(), port, security, username: username.trim() || null },
      password: username.trim() ? secret : null,
      verify,
      ...(limits ? { limits } : {}),
    });
    if (a) {
      setAdded(`${a.label} was added.`);
      setLabel('');
      setLimitsEdit(null);
    }
  };

  return (
    <form className="card stack" onSubmit={onSubmit} aria-labelledby="smtp-title">
      <h2 id="smtp-title">Add SMTP account</h2>
      <label>
        Provider
        <select value={presetId} onChange={(e) => pickPreset(e.target.value)}>
          <option value="custom">Other (enter the server yourself)</option>
          {list
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
      {limits && (
        <LimitsFields
          legend={preset && presetId !== 'custom' ? `Caps and pacing (${preset.label}'s limits)` : 'Caps and pacing'}
          value={limits}
          onChange={setLimitsEdit}
        />
      )}
      <label className="check">
        <input type="checkbox" checked={verify} onChange={(e) => setVerify(e.target.checked)} />
        Log in to the server before saving
      </label>
      <p className="muted">The password goes to the system keychain, never to the app’s database.</p>
      <div className="row">
        <button
          type="submit"
          className="primary"
          disabled={add.busy || (limits !== null && limits.minGapMs > limits.maxGapMs)}
        >
          {add.busy ? 'Checking…' : 'Add account'}
        </button>
        {added && <span role="status">{added}</span>}
      </div>
      <ErrorNote message={add.error ?? presets.errorMessage} />
    </form>
  );
}
