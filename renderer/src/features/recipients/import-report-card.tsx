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
      {report.issues.length > 0 && (
        <div className="table-wrap">
          <table>
            <caption>
              Invalid rows{report.invalid > report.issues.length ? ` (the first ${report.issues.length})` : ''}
            </caption>
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
      {report.duplicateRows.length > 0 && (
        <div className="table-wrap">
          <table>
            <caption>
              Duplicates
              {report.duplicates > report.duplicateRows.length ? ` (the first ${report.duplicateRows.length})` : ''}
            </caption>
            <thead>
              <tr>
                <th scope="col">Row</th>
                <th scope="col">Address</th>
                <th scope="col">Why</th>
              </tr>
            </thead>
            <tbody>
              {report.duplicateRows.map((i) => (
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
  );
}
