import { type FormEvent, useState } from 'react';
import type { CampaignSummary } from '../../../../shared/contract';
import { ROTATION_POLICIES, type RotationPolicy } from '../../../../shared/domain';
import { navigate } from '../../app/navigation';
import { useConfirm } from '../../components/confirm';
import { ErrorNote } from '../../components/error-note';
import { useMutate, useRequest } from '../../data/hooks';

const ROTATION_LABELS: Record<RotationPolicy, string> = {
  most_headroom: 'Most headroom first (spread the load)',
  round_robin: 'Round robin (take turns)',
  fill_first: 'Fill first (use one account until its cap)',
};

export function CampaignSettingsForm({ campaign }: { campaign: CampaignSummary }) {
  const accounts = useRequest('accounts.list', {}).data ?? [];
  const [name, setName] = useState(campaign.name);
  const [pool, setPool] = useState<number[]>(campaign.pool);
  const [rotation, setRotation] = useState<RotationPolicy>(campaign.rotation);
  const [replyTo, setReplyTo] = useState(campaign.replyTo ?? '');
  const [saved, setSaved] = useState(false);
  const save = useMutate('campaigns.update');
  const remove = useMutate('campaigns.delete');
  const [dialog, confirm] = useConfirm();

  const toggle = (id: number, on: boolean) =>
    setPool((p) => (on ? [...new Set([...p, id])] : p.filter((x) => x !== id)));

  const onSave = async (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    const patch = { name: name.trim(), pool, rotation, replyTo: replyTo.trim() || null };
    if (await save.run({ id: campaign.id, patch })) setSaved(true);
  };

  const onDelete = async () => {
    const yes = await confirm(
      'Delete campaign?',
      `"${campaign.name}" and all its recipients will be deleted. This cannot be undone.`,
      'Delete',
    );
    if (!yes) return;
    if (await remove.run({ id: campaign.id })) navigate({ name: 'campaigns' });
  };

  return (
    <form className="stack" onSubmit={onSave} aria-label="Campaign settings">
      <label>
        Name
        <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />
      </label>
      <fieldset>
        <legend>Sender pool</legend>
        {accounts.length === 0 && <p className="empty">No accounts yet: add one under Accounts.</p>}
        {accounts.map((a) => (
          <label key={a.id} className="check">
            <input type="checkbox" checked={pool.includes(a.id)} onChange={(e) => toggle(a.id, e.target.checked)} />
            {a.label}{' '}
            <span className="muted">
              &lt;{a.fromAddress}&gt; · {a.kind}
            </span>
            {a.status !== 'active' && <span className={`badge status-${a.status}`}>{a.status.replace('_', ' ')}</span>}
          </label>
        ))}
      </fieldset>
      <label>
        Rotation
        <select value={rotation} onChange={(e) => setRotation(e.target.value as RotationPolicy)}>
          {ROTATION_POLICIES.map((p) => (
            <option key={p} value={p}>
              {ROTATION_LABELS[p]}
            </option>
          ))}
        </select>
      </label>
      <label>
        Reply-To (optional)
        <input
          type="email"
          value={replyTo}
          onChange={(e) => setReplyTo(e.target.value)}
          placeholder="replies@example.com"
        />
      </label>
      <div className="row">
        <button type="submit" className="primary" disabled={save.busy}>
          Save settings
        </button>
        {saved && <span role="status">Saved.</span>}
        <button type="button" className="danger push-right" onClick={onDelete} disabled={remove.busy}>
          Delete campaign
        </button>
      </div>
      <ErrorNote message={save.error ?? remove.error} />
      {dialog}
    </form>
  );
}
