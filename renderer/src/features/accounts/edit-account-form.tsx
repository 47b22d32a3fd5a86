// Editing an account in place: label, sender name, server, password (only when typed), caps.
import { type FormEvent, useState } from 'react';
import type { Account, Limits } from '../../../../shared/domain';
import { ErrorNote } from '../../components/error-note';
import { useMutate } from '../../data/hooks';
import { LimitsFields } from './limits-fields';

export function EditAccountForm({ account, onDone }: { account: Account; onDone: () => void }) {
  const update = useMutate('accounts.update');
  const [label, setLabel] = useState(account.label);
  const [fromName, setFromName] = useState(account.fromName);
  const [limits, setLimits] = useState<Limits>(account.limits);
  const smtp = account.kind === 'smtp' ? account.smtp : null;
  const [host, setHost] = useState(smtp?.host ?? '');
  const [port, setPort] = useState(smtp?.port ?? 587);
  const [username, setUsername] = useState(smtp?.username ?? '');
  // Only a typed password is sent; an empty field keeps the stored one.
  const [password, setPassword] = useState('');

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const secret = password;
    setPassword('');
    const r = await update.run({
      id: account.id,
      label: label.trim(),
      fromName: fromName.trim(),
      limits,
      ...(smtp ? { smtp: { host: host.trim(), port, username: username.trim() || null } } : {}),
      ...(smtp && secret ? { password: secret } : {}),
    });
    if (r) onDone();
  };

  return (
    <form className="stack edit-account" onSubmit={onSubmit} aria-label={`Edit ${account.label}`}>
      <div className="row">
        <label className="grow">
          Label
          <input value={label} onChange={(e) => setLabel(e.target.value)} required maxLength={200} />
        </label>
        <label className="grow">
          From name
          <input value={fromName} onChange={(e) => setFromName(e.target.value)} maxLength={200} />
        </label>
      </div>
      {smtp && (
        <div className="row">
          <label className="grow">
            Server
            <input value={host} onChange={(e) => setHost(e.target.value)} required />
          </label>
          <label>
            Port
            <input type="number" min={1} max={65535} value={port} onChange={(e) => setPort(Number(e.target.value))} />
          </label>
          <label className="grow">
            Username
            <input value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="off" />
          </label>
          <label className="grow">
            New password
            <input
              type="password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              autoComplete="new-password"
              placeholder="unchanged"
            />
          </label>
        </div>
      )}
      <LimitsFields legend="Caps and pacing" value={limits} onChange={setLimits} />
      <div className="row">
        <button type="submit" className="primary" disabled={update.busy || limits.minGapMs > limits.maxGapMs}>
          Save account
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
      <ErrorNote message={update.error} />
    </form>
  );
}
