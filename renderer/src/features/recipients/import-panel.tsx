// CSV import: drop or pick a file, check the preview and the mapping, then commit.
import { type DragEvent, useState } from 'react';
import type { CampaignSummary, ImportPreview, ImportReport } from '../../../../shared/contract';
import { ErrorNote } from '../../components/error-note';
import { useEvent, useMutate } from '../../data/hooks';
import { readAsBase64 } from '../../lib/files';
import { ImportPreviewCard } from './import-preview-card';
import { ImportReportCard } from './import-report-card';
import { RecipientsTable } from './recipients-table';

export function ImportPanel({ campaign }: { campaign: CampaignSummary }) {
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [dragging, setDragging] = useState(false);
  const [progress, setProgress] = useState<string | null>(null);
  const load = useMutate('recipients.importPreview');
  const [readError, setReadError] = useState<string | null>(null);

  useEvent('import.progress', (p) => {
    if (preview && p.importId !== preview.importId) return;
    setProgress(p.phase === 'done' ? null : `${p.phase === 'reading' ? 'Reading' : 'Saving'}: ${p.rowsRead} rows`);
  });

  const takeFile = async (file: File | undefined) => {
    if (!file) return;
    setReport(null);
    setPreview(null);
    setReadError(null);
    let base64: string;
    try {
      base64 = await readAsBase64(file);
    } catch (err) {
      setReadError(err instanceof Error ? err.message : String(err));
      return;
    }
    const p = await load.run({ campaignId: campaign.id, source: { upload: { name: file.name, base64 } } });
    if (p) setPreview(p);
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    void takeFile(e.dataTransfer.files[0]);
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
      <ErrorNote message={readError ?? load.error} />
      {preview && (
        <ImportPreviewCard
          preview={preview}
          onDone={(r) => {
            setReport(r);
            setPreview(null);
          }}
          onDiscard={() => setPreview(null)}
        />
      )}
      {report && <ImportReportCard report={report} />}
      <RecipientsTable campaign={campaign} />
    </div>
  );
}
