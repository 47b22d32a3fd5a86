// Removal that says what it does: the engine lists what is deleted and what stays (past sends keep
// the account's name in results, exports and activity).
import { useEffect, useRef } from 'react';
import type { Account } from '../../../../shared/domain';
import { ErrorNote } from '../../components/error-note';
import { useMutate, useRequest } from '../../data/hooks';

export function RemoveAccountDialog({ account, onClose }: { account: Account; onClose: () => void }) {
  const preview = useRequest('accounts.removePreview', { id: account.id });
  const remove = useMutate('accounts.remove');
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);
  const p = preview.data;
  const blocked = (p?.blockedBy.length ?? 0) > 0;

  const onRemove = async () => {
    if (await remove.run({ id: account.id })) onClose();
  };

  return (
    <dialog ref={ref} className="confirm" aria-labelledby="remove-title" onCancel={onClose}>
      <h2 id="remove-title">Remove {account.label}?</h2>
      <ErrorNote message={preview.errorMessage} />
      {!p && !preview.errorMessage && <p className="muted">Checking what uses this account…</p>}
      {p && (
        <>
          {blocked && (
            <p className="error-note">
              Sending now with it: {p.blockedBy.map((c) => c.name).join(', ')}. Pause those campaigns first.
            </p>
          )}
          {p.deletes.length > 0 && (
            <>
              <h3 className="small">Deleted</h3>
              <ul data-testid="removal-deletes">
                {p.deletes.map((d) => (
                  <li key={d}>{d}</li>
                ))}
              </ul>
            </>
          )}
          {p.keeps.length > 0 && (
            <>
              <h3 className="small">Kept</h3>
              <ul data-testid="removal-keeps">
                {p.keeps.map((k) => (
                  <li key={k}>{k}</li>
                ))}
              </ul>
            </>
          )}
        </>
      )}
      <ErrorNote message={remove.error} />
      <div className="row end">
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="danger" onClick={onRemove} disabled={!p || blocked || remove.busy}>
          Remove account
        </button>
      </div>
    </dialog>
  );
}
