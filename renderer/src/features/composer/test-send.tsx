// Sends the message as it is in the editor, rendered for the previewed recipient, to the user's own
// address through one account. The campaign's rows and counts are not touched.
import { type FormEvent, useState } from 'react';
import type { CampaignSummary } from '../../../../shared/contract';
import type { CampaignTemplate, Recipient } from '../../../../shared/domain';
import { ErrorNote } from '../../components/error-note';
import { useMutate, useRequest } from '../../data/hooks';

export function TestSend({
  campaign,
  template,
  recipient,
}: {
  campaign: CampaignSummary;
  template: CampaignTemplate;
  recipient: Recipient | null;
}) {
  const accounts = useRequest('accounts.list', {}).data ?? [];
  const usable = accounts.filter((a) => a.status !== 'needs_reauth');
  const [accountId, setAccountId] = useState<number | null>(null);
  const [to, setTo] = useState('');
  const send = useMutate('campaigns.testSend');
  const chosen = accountId ?? campaign.pool.find((id) => usable.some((a) => a.id === id)) ?? usable[0]?.id ?? null;

  const onSend = async (e: FormEvent) => {
    e.preventDefault();
    if (chosen === null) return;
    send.reset();
    await send.run({
      campaignId: campaign.id,
      accountId: chosen,
      to: to.trim(),
      template,
      ...(recipient ? { recipientId: recipient.id } : {}),
    });
  };

  return (
    <form className="card stack" onSubmit={onSend} aria-labelledby="test-send-title">
      <h2 id="test-send-title" className="small">
        Test send
      </h2>
      <div className="row">
        <label className="grow">
          Send to
          <input
            type="email"
            value={to}
            onChange={(e) => setTo(e.target.value)}
            required
            placeholder="you@example.com"
          />
        </label>
        <label className="grow">
          Through
          <select value={chosen ?? ''} onChange={(e) => setAccountId(Number(e.target.value))}>
            {usable.map((a) => (
              <option key={a.id} value={a.id}>
                {a.label} &lt;{a.fromAddress}&gt;
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="row">
        <button type="submit" disabled={send.busy || chosen === null}>
          {send.busy ? 'Sending…' : 'Send test'}
        </button>
        {send.data && (
          <span role="status" className="ok-note" data-testid="test-send-result">
            Sent to {send.data.to}: {send.data.response}
          </span>
        )}
      </div>
      <p className="muted">
        Rendered for {recipient ? recipient.address : 'the first recipient'}; counts in the account's usage, not in the
        campaign.
      </p>
      <ErrorNote message={send.error} />
    </form>
  );
}
