import { ROTATION_POLICIES, type RotationPolicy } from '../../../../shared/domain';
import { useRequest } from '../../data/hooks';
import { AccountBadge } from '../accounts/account-badge';

const ROTATION_LABELS: Record<RotationPolicy, string> = {
  most_headroom: 'Most headroom first (spread the load)',
  round_robin: 'Round robin (take turns)',
  fill_first: 'Fill first (use one account until its cap)',
};

export function SenderPoolFields({
  pool,
  onPool,
  rotation,
  onRotation,
}: {
  pool: number[];
  onPool: (ids: number[]) => void;
  rotation: RotationPolicy;
  onRotation: (r: RotationPolicy) => void;
}) {
  const accounts = useRequest('accounts.list', {}).data ?? [];
  const usage = useRequest('accounts.usage', {}).data ?? [];
  const toggle = (id: number, on: boolean) => onPool(on ? [...new Set([...pool, id])] : pool.filter((x) => x !== id));
  return (
    <>
      <fieldset>
        <legend>Sender pool</legend>
        {accounts.length === 0 && <p className="empty">No accounts yet: add one under Accounts.</p>}
        {accounts.map((a) => {
          const state = usage.find((u) => u.accountId === a.id)?.state;
          return (
            <label key={a.id} className="check">
              <input type="checkbox" checked={pool.includes(a.id)} onChange={(e) => toggle(a.id, e.target.checked)} />
              {a.label}{' '}
              <span className="muted">
                &lt;{a.fromAddress}&gt; · {a.kind}
              </span>
              {state && state.code !== 'ready' && <AccountBadge state={state} />}
            </label>
          );
        })}
      </fieldset>
      <label>
        Rotation
        <select value={rotation} onChange={(e) => onRotation(e.target.value as RotationPolicy)}>
          {ROTATION_POLICIES.map((p) => (
            <option key={p} value={p}>
              {ROTATION_LABELS[p]}
            </option>
          ))}
        </select>
      </label>
    </>
  );
}
