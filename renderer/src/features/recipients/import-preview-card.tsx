import { useState } from 'react';
import type { ImportPreview, ImportReport } from '../../../../shared/contract';
import { ErrorNote } from '../../components/error-note';
import { useMutate } from '../../data/hooks';

const DELIMITER_NAMES: Record<string, string> = { ',': 'comma', ';': 'semicolon', '\t': 'tab', '|': 'pipe' };

export function ImportPreviewCard({
  preview,
  onDone,
  onDiscard,
}: {
  preview: ImportPreview;
  onDone: (report: ImportReport) => void;
  onDiscard: () => void;
}) {
  const [emailColumn, setEmailColumn] = useState<number | null>(preview.emailColumn);
  const commit = useMutate('recipients.importCommit');

  const onCommit = async () => {
    if (emailColumn === null) return;
    const r = await commit.run({ importId: preview.importId, emailColumn });
    if (r) onDone(r);
  };

  return (
    <section className="card" aria-labelledby="preview-title">
      <h2 id="preview-title">Preview of {preview.fileName}</h2>
      <dl className="facts">
        <dt>Encoding</dt>
        <dd>{preview.encoding}</dd>
        <dt>Delimiter</dt>
        <dd>{DELIMITER_NAMES[preview.delimiter] ?? JSON.stringify(preview.delimiter)}</dd>
        <dt>Size</dt>
        <dd>{(preview.sizeBytes / 1024).toFixed(1)} KB</dd>
      </dl>
      <label>
        Email column
        <select
          value={emailColumn ?? ''}
          onChange={(e) => setEmailColumn(e.target.value === '' ? null : Number(e.target.value))}
        >
          <option value="">Choose the column with the addresses</option>
          {preview.columns.map((c, i) => (
            <option key={c.key} value={i}>
              {c.label}
            </option>
          ))}
        </select>
      </label>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              {preview.columns.map((c, i) => (
                <th key={c.key} scope="col" className={i === emailColumn ? 'picked' : undefined}>
                  {c.label}
                  <div className="muted mono">{`{{${c.key}}}`}</div>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {preview.rows.map((row, r) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: preview rows have no identity but their position
              <tr key={r}>
                {preview.columns.map((c, i) => (
                  <td key={c.key} className={i === emailColumn ? 'picked' : undefined}>
                    {row[i] ?? ''}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="row">
        <button type="button" className="primary" onClick={onCommit} disabled={commit.busy || emailColumn === null}>
          Import recipients
        </button>
        <button type="button" onClick={onDiscard}>
          Discard
        </button>
      </div>
      <ErrorNote message={commit.error} />
    </section>
  );
}
