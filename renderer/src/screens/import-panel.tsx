// CSV import: drop or pick a file, check the preview and the email column, then commit.
import { type DragEvent, useCallback, useEffect, useState } from 'react';
import type { CampaignSummary, ImportPreview, ImportReport } from '../../../shared/contract';
import type { Recipient } from '../../../shared/domain';
import { ErrorNote } from '../components/error-note';
import { useAction } from '../components/use-action';
import { readAsBase64, saveDownload } from '../lib/files';
import { STATE_LABELS } from '../lib/format';
import { api, useApp } from '../state/app-store';

const DELIMITER_NAMES: Record<string, string> = { ',': 'comma', ';': 'semicolon', '\t': 'tab', '|': 'pipe' };

export function ImportPanel({ campaign }: { campaign: CampaignSummary }) {
  const refreshCampaigns = useApp((s) => s.refreshCampaigns);
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [emailColumn, setEmailColumn] = useState<number | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [dragging, setDragging] = useState(false);
  const [progress, setProgress] = useState<string | null>(null);
  const load = useAction();
  const commit = useAction();
  const download = useAction();

  useEffect(
    () =>
      api().on('import.progress', (p) => {
        if (preview && p.importId !== preview.importId) return;
        setProgress(p.phase === 'done' ? null : `${p.phase === 'reading' ? 'Reading' : 'Saving'}: ${p.rowsRead} rows`);
      }),
    [preview],
  );

  const takeFile = async (file: File | undefined) => {
    if (!file) return;
    setReport(null);
    setPreview(null);
    const p = await load.run(async () => {
      const base64 = await readAsBase64(file);
      return api().call('recipients.importPreview', {
        campaignId: campaign.id,
        source: { upload: { name: file.name, base64 } },
      });
    });
    if (p) {
      setPreview(p);
      setEmailColumn(p.emailColumn);
    }
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    void takeFile(e.dataTransfer.files[0]);
  };

  const onCommit = async () => {
    if (!preview || emailColumn === null) return;
    const r = await commit.run(() =>
      api().call('recipients.importCommit', { importId: preview.importId, emailColumn }),
    );
    if (r) {
      setReport(r);
      setPreview(null);
      await refreshCampaigns();
    }
  };

  const onDownloadRejected = async () => {
    if (!report) return;
    const f = await download.run(() => api().call('recipients.exportRejected', { importId: report.importId }));
    if (f) saveDownload(f);
  };

  return (
    <div className="stack">
      <section
        aria-label="CSV file drop zone"
        className={`dropzone${dragging ? ' dragging' : ''}`}
        data-testid="dropzone"
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <p>Drop a CSV file here, or</p>
        <label className="button">
          Choose a CSV file…
          <input
            type="file"
            className="sr-only"
            accept=".csv,.tsv,.txt,text/csv,text/plain"
            onChange={(e) => {
              void takeFile(e.target.files?.[0]);
              e.target.value = '';
            }}
          />
        </label>
        <p className="muted">Spreadsheet exports are fine: any encoding, comma or semicolon, with or without a BOM.</p>
      </section>
      {load.busy && <p role="status">Reading the file…</p>}
      {progress && <p role="status">{progress}</p>}
      <ErrorNote message={load.error} />

      {preview && (
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
            <button type="button" onClick={() => setPreview(null)}>
              Discard
            </button>
          </div>
          <ErrorNote message={commit.error} />
        </section>
      )}

      {report && (
        <section className="card" aria-labelledby="report-title">
          <h2 id="report-title">Import finished</h2>
          <ul className="counts" aria-label="Import report">
            <li className="count">
              <span>Rows read</span> <strong>{report.rowsRead}</strong>
            </li>
            <li className="count state-sent">
              <span>Added</span> <strong data-testid="import-added">{report.added}</strong>
            </li>
            <li className="count">
              <span>Duplicates</span> <strong>{report.duplicates}</strong>
            </li>
            <li className="count state-failed">
              <span>Invalid</span> <strong>{report.invalid}</strong>
            </li>
            <li className="count state-skipped">
              <span>Suppressed</span> <strong>{report.suppressed}</strong>
            </li>
          </ul>
          {report.issues.length > 0 && (
            <div className="table-wrap">
              <table>
                <caption>Rejected rows</caption>
                <thead>
                  <tr>
                    <th scope="col">Row</th>
                    <th scope="col">Value</th>
                    <th scope="col">Reason</th>
                  </tr>
                </thead>
                <tbody>
                  {report.issues.map((i) => (
                    <tr key={`${i.row}:${i.value}`}>
                      <td>{i.row}</td>
                      <td>{i.value}</td>
                      <td>{i.reason}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {report.invalid + report.duplicates + report.suppressed > 0 && (
            <button type="button" onClick={onDownloadRejected} disabled={download.busy}>
              Download rejected rows
            </button>
          )}
          <ErrorNote message={download.error} />
        </section>
      )}

      <RecipientsTable campaignId={campaign.id} version={campaign.counts} />
    </div>
  );
}

function RecipientsTable({ campaignId, version }: { campaignId: number; version: unknown }) {
  const [rows, setRows] = useState<Recipient[]>([]);
  const [total, setTotal] = useState(0);
  const [search, setSearch] = useState('');
  const list = useAction();
  const { run } = list;

  const reload = useCallback(async () => {
    const r = await run(() =>
      api().call('recipients.list', { campaignId, limit: 100, offset: 0, ...(search ? { search } : {}) }),
    );
    if (r) {
      setRows(r.rows);
      setTotal(r.total);
    }
  }, [campaignId, search, run]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: counts changing means the list changed
  useEffect(() => {
    void reload();
  }, [reload, version]);

  return (
    <section aria-labelledby="recipients-title">
      <div className="row spread">
        <h2 id="recipients-title">Recipients ({total})</h2>
        <label>
          <span className="sr-only">Search recipients</span>
          <input type="search" placeholder="Search" value={search} onChange={(e) => setSearch(e.target.value)} />
        </label>
      </div>
      <ErrorNote message={list.error} />
      {rows.length === 0 ? (
        <p className="empty">No recipients yet.</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Address</th>
                <th scope="col">State</th>
                <th scope="col">Attempts</th>
                <th scope="col">Last error</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id}>
                  <td>{r.address}</td>
                  <td>
                    <span className={`badge state-${r.state}`}>{STATE_LABELS[r.state]}</span>
                  </td>
                  <td>{r.attempts}</td>
                  <td>{r.lastError ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {total > rows.length && (
            <p className="muted">
              Showing the first {rows.length} of {total}.
            </p>
          )}
        </div>
      )}
    </section>
  );
}
