import { useState } from 'react';
import { ErrorNote } from '../../components/error-note';
import { useClient } from '../../data/data-provider';
import { useMutate } from '../../data/hooks';
import { fileSource } from '../../lib/files';

export function ImportSuppressions() {
  const client = useClient();
  const imp = useMutate('suppressions.import');
  const [done, setDone] = useState<string | null>(null);
  const [readError, setReadError] = useState<string | null>(null);

  const take = async (file: File | undefined) => {
    if (!file) return;
    setDone(null);
    setReadError(null);
    const source = await fileSource(client, file);
    if (!source.ok) {
      setReadError(source.error.message);
      return;
    }
    const r = await imp.run({ source: source.value, reason: 'manual' });
    if (r) setDone(`${r.added} added${r.invalid ? `, ${r.invalid} not addresses` : ''}.`);
  };

  return (
    <section className="card stack" aria-labelledby="import-suppr-title">
      <h2 id="import-suppr-title" className="small">
        Import a list
      </h2>
      <p className="muted">A CSV or text file; every address in it is added (other columns are ignored).</p>
      <label className="button">
        Choose a file…
        <input
          type="file"
          className="sr-only"
          accept=".csv,.tsv,.txt,text/csv,text/plain"
          onChange={(e) => {
            void take(e.target.files?.[0]);
            e.target.value = '';
          }}
        />
      </label>
      {imp.busy && <p role="status">Importing…</p>}
      {done && <p role="status">{done}</p>}
      <ErrorNote message={readError ?? imp.error} />
    </section>
  );
}
