import type { CampaignTemplate } from '../../../../shared/domain';
import { ErrorNote } from '../../components/error-note';
import { useRequest } from '../../data/hooks';

/** The rendered message. While the template does not render, only the error shows: never an older preview. */
export function MessagePreview({ campaignId, template }: { campaignId: number; template: CampaignTemplate }) {
  const preview = useRequest('templates.preview', { campaignId, template }, { keepPrevious: true });
  const shown = preview.isError ? null : preview.data;
  return (
    <section className="preview" aria-labelledby="preview-heading">
      <h2 id="preview-heading" className="small">
        Preview
      </h2>
      <ErrorNote message={preview.errorMessage} />
      {shown && (
        <>
          <dl className="facts">
            <dt>To</dt>
            <dd data-testid="preview-to">{shown.address}</dd>
            <dt>Subject</dt>
            <dd data-testid="preview-subject">{shown.subject}</dd>
          </dl>
          <iframe title="Message preview" sandbox="" srcDoc={shown.html} className="preview-frame" />
        </>
      )}
    </section>
  );
}
