// The message editor with a live preview. The preview frame is sandboxed with no permissions:
// no scripts, no same-origin access, no forms, whatever the template contains.
import { useEffect, useId, useRef, useState } from 'react';
import type { CampaignSummary, RenderedPreview, TemplateReport } from '../../../shared/contract';
import type { CampaignTemplate } from '../../../shared/domain';
import { ErrorNote } from '../components/error-note';
import { useAction } from '../components/use-action';
import { api, useApp } from '../state/app-store';

const PREVIEW_DELAY_MS = 350;

type Target = 'subject' | 'body' | 'text';

export function Composer({ campaign }: { campaign: CampaignSummary }) {
  const refreshCampaigns = useApp((s) => s.refreshCampaigns);
  const [draft, setDraft] = useState<CampaignTemplate>(campaign.template);
  const [target, setTarget] = useState<Target>('body');
  const [preview, setPreview] = useState<RenderedPreview | null>(null);
  const [previewError, setPreviewError] = useState<string | null>(null);
  const [report, setReport] = useState<TemplateReport | null>(null);
  const [saved, setSaved] = useState(true);
  const refs = {
    subject: useRef<HTMLInputElement>(null),
    body: useRef<HTMLTextAreaElement>(null),
    text: useRef<HTMLTextAreaElement>(null),
  };
  const save = useAction();
  const ids = { subject: useId(), body: useId(), text: useId() };
  const editable = campaign.status === 'draft' || campaign.status === 'paused';

  const edit = (patch: Partial<CampaignTemplate>) => {
    setDraft((d) => ({ ...d, ...patch }));
    setSaved(false);
  };

  // Debounced: render and check the draft a moment after typing stops; drop answers to older drafts.
  useEffect(() => {
    let current = true;
    const t = setTimeout(async () => {
      const [p, v] = await Promise.all([
        api().call('templates.preview', { campaignId: campaign.id, template: draft }),
        api().call('templates.validate', { campaignId: campaign.id, template: draft }),
      ]);
      if (!current) return;
      if (p.ok) {
        setPreview(p.value);
        setPreviewError(null);
      } else {
        setPreviewError(p.error.message);
      }
      setReport(v.ok ? v.value : null);
      if (!v.ok && p.ok) setPreviewError(v.error.message);
    }, PREVIEW_DELAY_MS);
    return () => {
      current = false;
      clearTimeout(t);
    };
  }, [draft, campaign.id]);

  const insertField = (key: string) => {
    const token = `{{${key}}}`;
    const el = refs[target].current;
    const value = target === 'text' ? (draft.text ?? '') : draft[target];
    const start = el?.selectionStart ?? value.length;
    const end = el?.selectionEnd ?? value.length;
    edit({ [target]: value.slice(0, start) + token + value.slice(end) });
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(start + token.length, start + token.length);
    });
  };

  const onSave = async () => {
    const r = await save.run(() => api().call('campaigns.update', { id: campaign.id, patch: { template: draft } }));
    if (r) {
      setSaved(true);
      await refreshCampaigns();
    }
  };

  return (
    <div className="composer">
      <div className="stack">
        <div className="field">
          <label htmlFor={ids.subject}>Subject</label>
          <input
            id={ids.subject}
            ref={refs.subject}
            value={draft.subject}
            onFocus={() => setTarget('subject')}
            onChange={(e) => edit({ subject: e.target.value })}
            disabled={!editable}
            placeholder="Hello {{first_name}}"
          />
        </div>
        <fieldset className="row">
          <legend>Body format</legend>
          {(['html', 'markdown'] as const).map((f) => (
            <label key={f} className="check">
              <input
                type="radio"
                name="format"
                value={f}
                checked={draft.format === f}
                onChange={() => edit({ format: f })}
                disabled={!editable}
              />
              {f === 'html' ? 'HTML' : 'Markdown'}
            </label>
          ))}
        </fieldset>
        <div className="field">
          <label htmlFor={ids.body}>Body</label>
          <textarea
            id={ids.body}
            ref={refs.body}
            rows={12}
            className="mono"
            value={draft.body}
            onFocus={() => setTarget('body')}
            onChange={(e) => edit({ body: e.target.value })}
            disabled={!editable}
          />
        </div>
        <label className="check">
          <input
            type="checkbox"
            checked={draft.text !== null}
            onChange={(e) => edit({ text: e.target.checked ? '' : null })}
            disabled={!editable}
          />
          Write the plain-text version myself (otherwise it is made from the body)
        </label>
        {draft.text !== null && (
          <div className="field">
            <label htmlFor={ids.text}>Plain text</label>
            <textarea
              id={ids.text}
              ref={refs.text}
              rows={6}
              className="mono"
              value={draft.text}
              onFocus={() => setTarget('text')}
              onChange={(e) => edit({ text: e.target.value })}
              disabled={!editable}
            />
          </div>
        )}
        <div>
          <h2 className="small">Merge fields</h2>
          {campaign.fields.length === 0 ? (
            <p className="muted">Import recipients to get their columns as merge fields.</p>
          ) : (
            <ul className="chips" aria-label={`Insert a merge field into the ${target}`}>
              {campaign.fields.map((f) => (
                <li key={f.key}>
                  <button
                    type="button"
                    className="chip"
                    onClick={() => insertField(f.key)}
                    disabled={!editable}
                    title={f.label}
                  >
                    {`{{${f.key}}}`}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
        <div className="row">
          <button type="button" className="primary" onClick={onSave} disabled={save.busy || saved || !editable}>
            Save message
          </button>
          <span role="status">{saved ? 'All changes saved.' : 'Unsaved changes.'}</span>
        </div>
        {!editable && <p className="muted">The message can be changed while the campaign is a draft or paused.</p>}
        <ErrorNote message={save.error} />
        <TemplateProblems report={report} />
      </div>
      <section className="preview" aria-labelledby="preview-heading">
        <h2 id="preview-heading" className="small">
          Preview
        </h2>
        <ErrorNote message={previewError} />
        {preview && (
          <>
            <dl className="facts">
              <dt>To</dt>
              <dd data-testid="preview-to">{preview.address}</dd>
              <dt>Subject</dt>
              <dd data-testid="preview-subject">{preview.subject}</dd>
            </dl>
            <iframe title="Message preview" sandbox="" srcDoc={preview.html} className="preview-frame" />
          </>
        )}
      </section>
    </div>
  );
}

function TemplateProblems({ report }: { report: TemplateReport | null }) {
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
