// App-wide settings: notifications, start at login, what new accounts and campaigns start with,
// the Google OAuth client, and where the data lives.
import { useEffect, useState } from 'react';
import type { AppInfo, AppSettings } from '../../../../shared/contract';
import { ErrorNote } from '../../components/error-note';
import { useMutate, useRequest } from '../../data/hooks';
import { GmailPanel } from '../accounts/gmail-panel';
import { LimitsFields } from '../accounts/limits-fields';
import { RetryFields } from '../senders/retry-fields';
import { FeedbackFields } from './feedback-fields';

export function SettingsScreen() {
  const settings = useRequest('settings.get', {});
  const info = useRequest('app.info', {});
  const update = useMutate('settings.update');
  const [draft, setDraft] = useState<AppSettings | null>(null);
  const [saved, setSaved] = useState(false);
  const [feedbackSaved, setFeedbackSaved] = useState(false);
  const stored = settings.data;

  useEffect(() => {
    if (stored) setDraft((d) => d ?? stored);
  }, [stored]);

  // Toggles apply at once; the number groups apply with their own save.
  const toggle = async (patch: Partial<Pick<AppSettings, 'notifications' | 'startAtLogin'>>) => {
    setDraft((d) => (d ? { ...d, ...patch } : d));
    await update.run(patch);
  };
  const saveDefaults = async () => {
    if (!draft) return;
    setSaved(false);
    if (await update.run({ defaultLimits: draft.defaultLimits, defaultRetry: draft.defaultRetry })) setSaved(true);
  };

  const saveFeedback = async () => {
    if (!draft) return;
    setFeedbackSaved(false);
    if (await update.run({ feedback: draft.feedback })) setFeedbackSaved(true);
  };

  return (
    <section aria-labelledby="settings-title" className="stack">
      <h1 id="settings-title">Settings</h1>
      <ErrorNote message={settings.errorMessage ?? update.error} />
      {draft && (
        <>
          <section className="card stack" aria-labelledby="general-title">
            <h2 id="general-title" className="small">
              General
            </h2>
            <label className="check">
              <input
                type="checkbox"
                checked={draft.notifications}
                onChange={(e) => toggle({ notifications: e.target.checked })}
              />
              Notify me when a campaign finishes, pauses itself or an account needs attention
            </label>
            <label className="check">
              <input
                type="checkbox"
                checked={draft.startAtLogin}
                onChange={(e) => toggle({ startAtLogin: e.target.checked })}
                disabled={info.data?.transport === 'headless'}
              />
              Start Campaign Tray when I log in
              {info.data?.transport === 'headless' && <span className="muted"> (desktop app only)</span>}
            </label>
            <dl className="facts">
              <dt>Data folder</dt>
              <dd className="mono" data-testid="data-dir">
                {draft.dataDir}
              </dd>
              {info.data && (
                <>
                  <dt>One-click unsubscribe</dt>
                  <dd data-testid="one-click">
                    <OneClickStatus status={info.data.oneClick} />
                  </dd>
                </>
              )}
            </dl>
          </section>
          <section className="card stack" aria-labelledby="defaults-title">
            <h2 id="defaults-title" className="small">
              Defaults for new accounts and campaigns
            </h2>
            <LimitsFields
              legend="Caps for a new custom SMTP account"
              value={draft.defaultLimits}
              onChange={(l) => setDraft({ ...draft, defaultLimits: l })}
            />
            <RetryFields value={draft.defaultRetry} onChange={(r) => setDraft({ ...draft, defaultRetry: r })} />
            <div className="row">
              <button type="button" className="primary" onClick={saveDefaults} disabled={update.busy}>
                Save defaults
              </button>
              {saved && <span role="status">Saved.</span>}
            </div>
          </section>
          <section className="card stack" aria-labelledby="feedback-title">
            <h2 id="feedback-title" className="small">
              Feedback
            </h2>
            <FeedbackFields
              value={draft.feedback}
              onChange={(f) => {
                setFeedbackSaved(false);
                setDraft({ ...draft, feedback: f });
              }}
            />
            <div className="row">
              <button type="button" className="primary" onClick={saveFeedback} disabled={update.busy}>
                Save feedback settings
              </button>
              {feedbackSaved && <span role="status">Saved.</span>}
            </div>
          </section>
        </>
      )}
      <GmailPanel />
    </section>
  );
}

/** Where RFC 8058 links come from: only the headless server can answer them (docs/feedback.md). */
function OneClickStatus({ status }: { status: AppInfo['oneClick'] }) {
  if (status.status === 'on') {
    return (
      <>
        On: every message links to <span className="mono">{status.baseUrl}/u/…</span>, answered by this server
      </>
    );
  }
  if (status.status === 'off') {
    return (
      <span className="muted">
        Off. Start the server with --unsubscribe-url and --unsubscribe-listen behind your HTTPS proxy to turn it on;
        unsubscribe mails are read either way.
      </span>
    );
  }
  return (
    <span className="muted">
      Needs the headless server on an always-on machine (a desktop app has no public address); unsubscribe mails are
      read either way.
    </span>
  );
}
