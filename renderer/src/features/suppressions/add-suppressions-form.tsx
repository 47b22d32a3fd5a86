import { type FormEvent, useMemo, useState } from 'react';
import { SUPPRESSION_REASONS, type SuppressionReason } from '../../../../shared/domain';
import { ErrorNote } from '../../components/error-note';
import { useMutate } from '../../data/hooks';
import { addressBatches, splitAddresses } from './split-addresses';

export function AddSuppressionsForm() {
  const [text, setText] = useState('');
  const [reason, setReason] = useState<SuppressionReason>('manual');
  const [done, setDone] = useState<string | null>(null);
  const [adding, setAdding] = useState<string | null>(null);
  const add = useMutate('suppressions.add');
  const addresses = useMemo(() => splitAddresses(text), [text]);
  const plural = (n: number) => `${n} address${n === 1 ? '' : 'es'}`;

  // A pasted list of any length goes in a batch at a time: one request must fit one frame.
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setDone(null);
    const batches = addressBatches(addresses);
    let added = 0;
    let sent = 0;
    try {
      for (const batch of batches) {
        if (batches.length > 1) setAdding(`Adding… ${sent.toLocaleString()} of ${addresses.length.toLocaleString()}`);
        const r = await add.run({ addresses: batch, reason });
        if (!r) {
          // The error below names the address; what went before it is in, and adding it again is harmless.
          if (sent > 0) setDone(`${plural(added)} added from the first ${sent.toLocaleString()}; the rest were not.`);
          return;
        }
        added += r.added;
        sent += batch.length;
      }
      setText('');
      setDone(`${plural(added)} added.`);
    } finally {
      setAdding(null);
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
        <button type="submit" className="primary" disabled={add.busy || adding !== null || addresses.length === 0}>
          Add {addresses.length > 1 ? `${addresses.length} addresses` : 'address'}
        </button>
        {adding && <span role="status">{adding}</span>}
        {done && <span role="status">{done}</span>}
      </div>
      <ErrorNote message={add.error} />
    </form>
  );
}
