import type { ImportReport } from '../../../../shared/contract';
import { ErrorNote } from '../../components/error-note';
import { useMutate } from '../../data/hooks';
import { saveDownload } from '../../lib/files';

export function ImportReportCard({ report }: { report: ImportReport }) {
  const download = useMutate('recipients.exportRejected');
  const onDownloadRejected = async () => {
    const f = await download.run({ importId: report.importId });
    if (f) saveDownload(f);
  };
  return (
    <section className="card stack" aria-labelledby="report-title">
      <h2 id="report-title">Import finished</h2>
      <ul className="counts" aria-label="Import report">
        <li className="count">
          <span>Rows read</span> <strong>{report.rowsRead}</strong>
        </li>
        <li className="count state-sent">
          <span>Added</span> <strong data-testid="import-added">{report.added}</strong>
        </li>
        <li className="count">
          <span>Duplicates</span> <strong data-testid="import-duplicates">{report.duplicates}</strong>
        </li>
        <li className="count state-failed">
          <span>Invalid</span> <strong data-testid="import-invalid">{report.invalid}</strong>
        </li>
        <li className="count state-skipped">
          <span>Suppressed</span> <strong>{report.suppressed}</strong>
        </li>
      </ul>
      <IssueTable
        title="Invalid rows"
        valueHeader="Value"
        reasonHeader="Reason"
        rows={report.issues}
        total={report.invalid}
      />
      <IssueTable
        title="Duplicates"
        valueHeader="Address"
        reasonHeader="Why"
        rows={report.duplicateRows}
        total={report.duplicates}
      />
      {report.invalid + report.duplicates + report.suppressed > 0 && (
        <button type="button" onClick={onDownloadRejected} disabled={download.busy}>
          Download rejected rows
        </button>
      )}
      <ErrorNote message={download.error} />
    </section>
  );
}

/** The first rows the import left out for one reason, with how many there were in all. */
function IssueTable(props: {
  title: string;
  valueHeader: string;
  reasonHeader: string;
  rows: { row: number; value: string; reason: string }[];
  total: number;
}) {
  const { title, valueHeader, reasonHeader, rows, total } = props;
  if (rows.length === 0) return null;
  return (
    <div className="table-wrap">
      <table>
        <caption>
          {title}
          {total > rows.length ? ` (the first ${rows.length})` : ''}
        </caption>
        <thead>
          <tr>
            <th scope="col">Row</th>
            <th scope="col">{valueHeader}</th>
            <th scope="col">{reasonHeader}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((i) => (
            <tr key={`${i.row}:${i.value}`}>
              <td>{i.row}</td>
              <td>{i.value}</td>
              <td>{i.reason}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
