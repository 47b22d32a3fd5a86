import { useState } from 'react';
import type { EventPayloads } from '../../../../shared/contract';
import { ErrorNote } from '../../components/error-note';
import { useEvent, useMutate } from '../../data/hooks';

export function GmailConnect({ reconnectAccountId, label }: { reconnectAccountId?: number; label: string }) {
  const [flow, setFlow] = useState<{ flowId: string; authUrl: string } | null>(null);
  const [outcome, setOutcome] = useState<EventPayloads['gmail.connect'] | null>(null);
  const connect = useMutate('gmail.connect');
  const cancelConnect = useMutate('gmail.cancelConnect');

  useEvent('gmail.connect', (p) => {
    if (!flow || p.flowId !== flow.flowId) return;
    setOutcome(p);
    setFlow(null);
  });

  const start = async () => {
    setOutcome(null);
    const r = await connect.run(reconnectAccountId ? { reconnectAccountId } : {});
    if (r) setFlow(r);
  };
  const cancel = async () => {
    if (flow) await cancelConnect.run({ flowId: flow.flowId });
    setFlow(null);
  };

  return (
    <div className="stack">
      {!flow && (
        <button type="button" className="primary" onClick={start} disabled={connect.busy}>
          {label}
        </button>
      )}
      {flow && (
        <span>
          Finish in your browser. If it did not open,{' '}
          <a href={flow.authUrl} target="_blank" rel="noreferrer noopener">
            open the Google consent page
          </a>
          .{' '}
          <button type="button" className="link" onClick={cancel}>
            Cancel
          </button>
        </span>
      )}
      {outcome && (
        <span role="status" className={outcome.status === 'connected' ? 'ok-note' : 'error-note'}>
          {outcome.status === 'connected'
            ? `Connected ${outcome.account?.fromAddress ?? ''}.`
            : (outcome.message ?? `Not connected (${outcome.status}).`)}
        </span>
      )}
      <ErrorNote message={connect.error} />
    </div>
  );
}
