import { type FormEvent, useState } from 'react';
import { SUPPRESSION_REASONS, type SuppressionReason } from '../../../../shared/domain';
import { ErrorNote } from '../../components/error-note';
import { useMutate } from '../../data/hooks';
import { splitAddresses } from './split-addresses';

export function AddSuppressionsForm() {
  const [text, setText] = useState('');
  const [reason, setReason] = useState<SuppressionReason>('manual');
  const [done, setDone] = useState<string | null>(null);
  const add = useMutate('suppressions.add');
  const addresses = splitAddresses(text);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setDone(null);
    const r = await add.run({ addresses, reason });
    if (r) {
      setText('');
      setDone(`${r.added} address${r.added === 1 ? '' : 'es'} added.`);
    }
  };

  return (
    <form className="card stack" onSubmit={onSubmit} aria-labelledby="add-suppr-title">
      <h2 id="add-suppr-title" className="small">
        Add addresses
      </h2>
      <label>
        Addresses (one a line)
        <textarea rows={3} value={text} onChange={(e) => setText(e.target.value)} className="mono" />
      </label>
      <label>
        Reason
        <select value={reason} onChange={(e) => setReason(e.target.value as SuppressionReason)}>
          {SUPPRESSION_REASONS.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </label>
      <div className="row">
        <button type="submit" className="primary" disabled={add.busy || addresses.length === 0}>
          Add {addresses.length > 1 ? `${addresses.length} addresses` : 'address'}
        </button>
        {done && <span role="status">{done}</span>}
      </div>
      <ErrorNote message={add.error} />
    </form>
  );
}
