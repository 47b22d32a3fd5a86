// The message editor with a live preview. The preview frame is sandboxed with no permissions:
// no scripts, no same-origin access, no forms, whatever the template contains.
import { type RefObject, useId, useLayoutEffect, useRef, useState } from 'react';
import type { CampaignSummary } from '../../../../shared/contract';
import type { CampaignTemplate, Recipient } from '../../../../shared/domain';
import { ErrorNote } from '../../components/error-note';
import { useRequest } from '../../data/hooks';
import { useDebounced } from '../../lib/use-debounced';
import { insertToken } from './insert-token';
import { MessagePreview } from './message-preview';
import { RecipientPicker } from './recipient-picker';
import { TemplateProblems } from './template-problems';
import { TestSend } from './test-send';
import { useAutosave } from './use-autosave';

const PREVIEW_DELAY_MS = 350;

type Target = 'subject' | 'body' | 'text';
type Field = HTMLInputElement | HTMLTextAreaElement;

const SAVE_LABELS = {
  saved: 'All changes saved.',
  unsaved: 'Unsaved changes.',
  saving: 'Saving…',
  failed: 'Not saved.',
} as const;

export function Composer({ campaign }: { campaign: CampaignSummary }) {
  const [draft, setDraft] = useState<CampaignTemplate>(campaign.template);
  const [target, setTarget] = useState<Target>('body');
  const [recipient, setRecipient] = useState<Recipient | null>(null);
  const subjectRef = useRef<HTMLInputElement>(null);
  const bodyRef = useRef<HTMLTextAreaElement>(null);
  const textRef = useRef<HTMLTextAreaElement>(null);
  const refs: Record<Target, RefObject<Field | null>> = { subject: subjectRef, body: bodyRef, text: textRef };
  // Where the caret goes once an inserted field is on screen (set by insertField, used right after commit).
  const caret = useRef<{ target: Target; at: number } | null>(null);
  const ids = { subject: useId(), body: useId(), text: useId() };
  const editable = campaign.status === 'draft' || campaign.status === 'paused';
  const save = useAutosave(campaign.id, draft, campaign.template, editable);
  const checked = useDebounced(draft, PREVIEW_DELAY_MS);
  const noRecipients = Object.values(campaign.counts).every((n) => n === 0);
  const report = useRequest(
    'templates.validate',
    { campaignId: campaign.id, template: checked },
    { keepPrevious: true },
  );

  const edit = (patch: Partial<CampaignTemplate>) => setDraft((d) => ({ ...d, ...patch }));

  // In the same commit as the insertion, before any later event: focus and caret go back to the field
  // that received the token. (Deferring this let a late focus steal the caret from the next field.)
  useLayoutEffect(() => {
    const c = caret.current;
    if (!c) return;
    caret.current = null;
    const el = refs[c.target].current;
    el?.focus();
    el?.setSelectionRange(c.at, c.at);
  });

  const insertField = (key: string) => {
    const el = refs[target].current;
    const value = target === 'text' ? (draft.text ?? '') : draft[target];
    const next = insertToken(value, el?.selectionStart ?? null, el?.selectionEnd ?? null, `{{${key}}}`);
    caret.current = { target, at: next.caret };
    edit({ [target]: next.value });
  };

  return (
    <div className="composer">
      <div className="stack">
        <div className="field">
          <label htmlFor={ids.subject}>Subject</label>
          <input
            id={ids.subject}
            ref={subjectRef}
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
            ref={bodyRef}
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
              ref={textRef}
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
          <button
            type="button"
            className="primary"
            onClick={() => void save.saveNow()}
            disabled={save.state === 'saved' || save.state === 'saving' || !editable}
          >
            Save message
          </button>
          <span role="status" data-testid="save-state">
            {SAVE_LABELS[save.state]}
          </span>
        </div>
        {!editable && <p className="muted">The message can be changed while the campaign is a draft or paused.</p>}
        <ErrorNote message={save.error} />
        <ErrorNote message={report.errorMessage} />
        <TemplateProblems report={report.data ?? null} />
      </div>
      <div className="stack">
        <RecipientPicker campaignId={campaign.id} picked={recipient} onPick={setRecipient} />
        <MessagePreview
          campaignId={campaign.id}
          template={checked}
          recipientId={recipient?.id ?? null}
          empty={noRecipients}
        />
        {!noRecipients && <TestSend campaign={campaign} template={draft} recipient={recipient} />}
      </div>
    </div>
  );
}
