import type { CampaignTemplate } from '../../../../shared/domain';
import { ErrorNote } from '../../components/error-note';
import { useRequest } from '../../data/hooks';

/** The rendered message. While the template does not render, only the error shows: never an older preview. */
export function MessagePreview({
  campaignId,
  template,
  recipientId,
  empty,
}: {
  campaignId: number;
  template: CampaignTemplate;
  recipientId: number | null;
  empty: boolean;
}) {
  const preview = useRequest(
    'templates.preview',
    { campaignId, template, ...(recipientId !== null ? { recipientId } : {}) },
    { keepPrevious: true, enabled: !empty },
  );
  const shown = preview.isError || empty ? null : preview.data;
  return (
    <section className="preview" aria-labelledby="preview-heading">
      <h2 id="preview-heading" className="small">
        Preview
      </h2>
      {empty && <p className="empty">No recipients yet: import a list to preview the message for one of them.</p>}
      <ErrorNote message={empty ? null : preview.errorMessage} />
      {shown && (
        <>
          <dl className="facts">
            <dt>To</dt>
            <dd data-testid="preview-to">{shown.address}</dd>
            <dt>Subject</dt>
            <dd data-testid="preview-subject">{shown.subject}</dd>
            <dt>Unsubscribe</dt>
            <dd data-testid="preview-unsubscribe">
              {shown.headers
                .filter(([name]) => name.startsWith('List-Unsubscribe'))
                .map(([name, value]) => (
                  <div key={name} className="mono">
                    {name}: {value}
                  </div>
                ))}
              <div className="muted">{shown.unsubscribeNote}</div>
            </dd>
          </dl>
          <iframe title="Message preview" sandbox="" srcDoc={shown.html} className="preview-frame" />
        </>
      )}
    </section>
  );
}
