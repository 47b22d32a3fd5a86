// CSV import: drop or pick a file, check the preview and the mapping, then commit.
import { type DragEvent, useState } from 'react';
import type { CampaignSummary, ImportPreview, ImportReport } from '../../../../shared/contract';
import { ErrorNote } from '../../components/error-note';
import { useClient } from '../../data/data-provider';
import { useEvent, useMutate } from '../../data/hooks';
import { fileSource } from '../../lib/files';
import { ImportPreviewCard } from './import-preview-card';
import { ImportReportCard } from './import-report-card';
import { RecipientsTable } from './recipients-table';

export function ImportPanel({ campaign }: { campaign: CampaignSummary }) {
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [dragging, setDragging] = useState(false);
  const [progress, setProgress] = useState<string | null>(null);
  const client = useClient();
  const load = useMutate('recipients.importPreview');
  const sample = useMutate('app.sampleList');
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
    // The file goes to the main process first (IPC: the shell resolves it; headless: HTTP POST).
    const source = await fileSource(client, file);
    if (!source.ok) {
      setReadError(source.error.message);
      return;
    }
    const p = await load.run({ campaignId: campaign.id, source: source.value });
    if (p) setPreview(p);
  };

  // The sample list goes the same way as a dropped file, so trying it shows the whole import.
  const useSample = async () => {
    const f = await sample.run({});
    if (f) await takeFile(new File([f.content], f.filename, { type: f.contentType }));
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
        <p className="muted">
          No list at hand?{' '}
          <button type="button" className="link" onClick={useSample} disabled={sample.busy || load.busy}>
            Use the sample list
          </button>{' '}
          (addresses at example.com, which never receive mail).
        </p>
      </section>
      {load.busy && <p role="status">Reading the file…</p>}
      {progress && <p role="status">{progress}</p>}
      <ErrorNote message={readError ?? load.error ?? sample.error} />
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
