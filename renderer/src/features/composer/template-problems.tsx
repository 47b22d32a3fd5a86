import type { TemplateReport } from '../../../../shared/contract';

export function TemplateProblems({ report }: { report: TemplateReport | null }) {
  if (!report) return null;
  if (report.ok && report.unknownFields.length === 0 && report.emptyFields.length === 0) {
    return <p className="ok-note">The template is valid for all {report.checkedRecipients} recipients checked.</p>;
  }
  return (
    <div className="problems" role="alert">
      {report.errors.length > 0 && (
        <ul className="problem-list">
          {report.errors.map((e) => (
            <li key={`${e.part}:${e.line}:${e.column}:${e.message}`} className="error-note">
              {e.part}
              {e.line !== null && ` line ${e.line}`}
              {e.column !== null && `, column ${e.column}`}: {e.message}
            </li>
          ))}
        </ul>
      )}
      {report.unknownFields.length > 0 && (
        <p className="warn-note">Unknown fields (no column has them): {report.unknownFields.join(', ')}</p>
      )}
      {report.emptyFields.length > 0 && (
        <p className="warn-note">
          Empty for some recipients: {report.emptyFields.map((f) => `${f.field} (${f.recipients})`).join(', ')}
        </p>
      )}
    </div>
  );
}
