// A short path for a new user that ends with a campaign sent to the local test outbox, shown on the
// campaigns screen until every step is done or the user puts it away.
import { routeHash } from '../../app/routes';
import { ErrorNote } from '../../components/error-note';
import { useMutate, useRequest } from '../../data/hooks';
import { saveDownload } from '../../lib/files';

export function FirstRunChecklist() {
  const state = useRequest('app.firstRun', {});
  const dismiss = useMutate('settings.update');
  const sample = useMutate('app.sampleList');
  const s = state.data;
  if (!s || s.done) return null;

  const onSample = async () => {
    const f = await sample.run({});
    if (f) saveDownload(f);
  };
  const steps = [
    {
      done: s.hasCampaign,
      title: 'Create a campaign',
      how: 'Give it a name below.',
    },
    {
      done: s.hasRecipients,
      title: 'Import recipients',
      how: (
        <>
          Drop a CSV on the campaign's Recipients tab. No list at hand?{' '}
          <button type="button" className="link" onClick={onSample} disabled={sample.busy}>
            Download a sample list
          </button>{' '}
          (addresses at example.com, which never receive mail).
        </>
      ),
    },
    {
      done: s.hasSentToOutbox,
      title: 'Send it to the local test outbox',
      how: (
        <>
          On Senders &amp; settings pick “Local test outbox”, start it on the Dashboard, then read the messages in the{' '}
          <a href={routeHash({ name: 'outbox', messageId: null })}>Outbox</a>. Nothing leaves your computer.
        </>
      ),
    },
    {
      done: s.hasAccount,
      title: 'Add a real sending account',
      how: (
        <>
          An SMTP server or a Gmail account, under <a href={routeHash({ name: 'accounts' })}>Accounts</a>, with its
          daily caps.
        </>
      ),
    },
  ];
  const left = steps.filter((x) => !x.done).length;

  return (
    <section className="card checklist" aria-labelledby="first-run-title" data-testid="first-run">
      <div className="row spread">
        <h2 id="first-run-title" className="small">
          Getting started ({steps.length - left} of {steps.length} done)
        </h2>
        <button type="button" className="link" onClick={() => dismiss.run({ firstRunDismissed: true })}>
          Hide this
        </button>
      </div>
      <ol>
        {steps.map((x) => (
          <li key={x.title} className={x.done ? 'done' : undefined}>
            <strong>
              {x.done ? '✓ ' : ''}
              {x.title}
            </strong>
            {!x.done && <div className="muted">{x.how}</div>}
          </li>
        ))}
      </ol>
      <ErrorNote message={sample.error ?? dismiss.error} />
    </section>
  );
}
