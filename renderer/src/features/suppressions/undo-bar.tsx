import type { Suppression } from '../../../../shared/domain';
import { ErrorNote } from '../../components/error-note';
import { useMutate } from '../../data/hooks';

/** Removal is immediate; the bar offers to put the entries back as they were (reason, source, date). */
export function UndoBar({ entries, onDone }: { entries: Suppression[]; onDone: () => void }) {
  const restore = useMutate('suppressions.restore');
  const onUndo = async () => {
    if (await restore.run({ entries })) onDone();
  };
  return (
    <div className="banner notice" role="status">
      Removed {entries.length === 1 ? entries[0]?.address : `${entries.length} addresses`} from the list.{' '}
      <button type="button" className="link" onClick={onUndo} disabled={restore.busy}>
        Undo
      </button>{' '}
      <button type="button" className="link" onClick={onDone}>
        Dismiss
      </button>
      <ErrorNote message={restore.error} />
    </div>
  );
}
