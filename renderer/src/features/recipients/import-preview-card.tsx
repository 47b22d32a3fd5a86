// The mapping step: the detected file facts, the address column, and per column whether it
// becomes a merge field and under which name.
import { useState } from 'react';
import type { ImportPreview, ImportReport } from '../../../../shared/contract';
import { ErrorNote } from '../../components/error-note';
import { useMutate } from '../../data/hooks';
import { commitInput, initialMapping, type Mapping, mappingProblem } from './column-mapping';

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
  const [mapping, setMapping] = useState<Mapping>(() => initialMapping(preview.columns, preview.emailColumn));
  const commit = useMutate('recipients.importCommit');
  const problem = mappingProblem(mapping);
  const { emailColumn } = mapping;

  const setColumn = (i: number, patch: Partial<Mapping['columns'][number]>) =>
    setMapping((m) => ({ ...m, columns: m.columns.map((c, j) => (j === i ? { ...c, ...patch } : c)) }));

  const onCommit = async () => {
    if (problem) return;
    const r = await commit.run({ importId: preview.importId, ...commitInput(mapping, preview.columns) });
    if (r) onDone(r);
  };

  return (
    <section className="card stack" aria-labelledby="preview-title">
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
          onChange={(e) =>
            setMapping((m) => ({ ...m, emailColumn: e.target.value === '' ? null : Number(e.target.value) }))
          }
        >
          <option value="">Choose the column with the addresses</option>
          {preview.columns.map((c, i) => (
            <option key={c.key} value={i}>
              {c.label}
            </option>
          ))}
        </select>
      </label>
      <div className="table-wrap mapping">
        <table>
          <thead>
            <tr>
              {preview.columns.map((c, i) => {
                const choice = mapping.columns[i];
                const isEmail = i === emailColumn;
                return (
                  <th
                    key={c.key}
                    scope="col"
                    className={`${isEmail ? 'picked' : ''}${choice?.keep || isEmail ? '' : ' excluded'}`}
                  >
                    <input
                      aria-label={`Name of column ${i + 1}`}
                      value={choice?.label ?? ''}
                      onChange={(e) => setColumn(i, { label: e.target.value })}
                      disabled={!choice?.keep && !isEmail}
                      maxLength={200}
                    />
                    <label className="check small-text">
                      <input
                        type="checkbox"
                        checked={isEmail || (choice?.keep ?? true)}
                        disabled={isEmail}
                        onChange={(e) => setColumn(i, { keep: e.target.checked })}
                        aria-label={`Keep column ${i + 1} as a merge field`}
                      />
                      {isEmail ? 'address' : 'keep'}
                    </label>
                    {choice?.label === c.label && <div className="muted mono">{`{{${c.key}}}`}</div>}
                  </th>
                );
              })}
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
        <button type="button" className="primary" onClick={onCommit} disabled={commit.busy || problem !== null}>
          Import recipients
        </button>
        <button type="button" onClick={onDiscard}>
          Discard
        </button>
      </div>
      <ErrorNote message={problem ?? commit.error} />
    </section>
  );
}
