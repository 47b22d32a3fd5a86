// Everything about how a campaign sends: who sends it, when, how fast it can finish, how it
// handles replies, retries and unsubscribes. One form, one save.
import { type FormEvent, useState } from 'react';
import type { CampaignPatch, CampaignSummary } from '../../../../shared/contract';
import type { RetryPolicy, RotationPolicy, SendWindow } from '../../../../shared/domain';
import { navigate } from '../../app/navigation';
import { useConfirm } from '../../components/confirm';
import { ErrorNote } from '../../components/error-note';
import { useMutate } from '../../data/hooks';
import { PoolCapacityCard } from './pool-capacity-card';
import { RetryFields } from './retry-fields';
import { windowProblem } from './schedule';
import { ScheduleFields } from './schedule-fields';
import { SenderPoolFields } from './sender-pool-fields';
import { UnsubscribeFields } from './unsubscribe-fields';

export function CampaignSettingsForm({ campaign }: { campaign: CampaignSummary }) {
  const [name, setName] = useState(campaign.name);
  const [pool, setPool] = useState<number[]>(campaign.pool);
  const [rotation, setRotation] = useState<RotationPolicy>(campaign.rotation);
  const [replyTo, setReplyTo] = useState(campaign.replyTo ?? '');
  const [fromName, setFromName] = useState(campaign.fromName ?? '');
  const [scheduleAt, setScheduleAt] = useState<number | null>(campaign.scheduleAt);
  const [sendWindow, setSendWindow] = useState<SendWindow | null>(campaign.window);
  const [retry, setRetry] = useState<RetryPolicy>(campaign.retry);
  const [mailto, setMailto] = useState(campaign.unsubscribe.mailto ?? '');
  const [urlTemplate, setUrlTemplate] = useState(campaign.unsubscribe.urlTemplate ?? '');
  const [saved, setSaved] = useState(false);
  const save = useMutate('campaigns.update');
  const remove = useMutate('campaigns.delete');
  const [dialog, confirm] = useConfirm();
  const editable = campaign.status === 'draft' || campaign.status === 'paused';
  const problem = sendWindow ? windowProblem(sendWindow) : null;

  const onSave = async (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    const patch: CampaignPatch = {
      name: name.trim(),
      pool,
      rotation,
      replyTo: replyTo.trim() || null,
      fromName: fromName.trim() || null,
      scheduleAt,
      window: sendWindow,
      retry,
      unsubscribe: { mailto: mailto.trim() || null, urlTemplate: urlTemplate.trim() || null },
    };
    if (await save.run({ id: campaign.id, patch })) setSaved(true);
  };

  const onDelete = async () => {
    const yes = await confirm(
      'Delete campaign?',
      `"${campaign.name}" and all its recipients will be deleted. This cannot be undone. ` +
        'The addresses it was sent to are kept, only so that unsubscribe links in mail already delivered still work.',
      'Delete',
    );
    if (yes && (await remove.run({ id: campaign.id }))) navigate({ name: 'campaigns' });
  };

  return (
    <form
      className="stack settings-form"
      onSubmit={onSave}
      aria-label="Campaign settings"
      onChange={() => setSaved(false)}
    >
      <label>
        Name
        <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />
      </label>
      <SenderPoolFields pool={pool} onPool={setPool} rotation={rotation} onRotation={setRotation} />
      <PoolCapacityCard campaignId={campaign.id} pool={pool} />
      <div className="row">
        <label className="grow">
          From name (optional)
          <input
            value={fromName}
            onChange={(e) => setFromName(e.target.value)}
            placeholder="Each account's own name"
            maxLength={200}
          />
        </label>
        <label className="grow">
          Reply-To (optional)
          <input
            type="email"
            value={replyTo}
            onChange={(e) => setReplyTo(e.target.value)}
            placeholder="replies@example.com"
          />
        </label>
      </div>
      <ScheduleFields
        scheduleAt={scheduleAt}
        onScheduleAt={setScheduleAt}
        window={sendWindow}
        onWindow={setSendWindow}
      />
      <RetryFields value={retry} onChange={setRetry} />
      <UnsubscribeFields
        mailto={mailto}
        onMailto={setMailto}
        urlTemplate={urlTemplate}
        onUrlTemplate={setUrlTemplate}
      />
      <div className="row">
        <button type="submit" className="primary" disabled={save.busy || problem !== null || !editable}>
          Save settings
        </button>
        {saved && <span role="status">Saved.</span>}
        <button type="button" className="danger push-right" onClick={onDelete} disabled={remove.busy}>
          Delete campaign
        </button>
      </div>
      {!editable && <p className="muted">Settings can be changed while the campaign is a draft or paused.</p>}
      <ErrorNote message={problem ?? save.error ?? remove.error} />
      {dialog}
    </form>
  );
}
