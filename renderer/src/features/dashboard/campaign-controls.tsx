import type { CampaignStatus } from '../../../../shared/domain';
import { useConfirm } from '../../components/confirm';
import { ErrorNote } from '../../components/error-note';
import { useMutate } from '../../data/hooks';
import { saveDownload } from '../../lib/files';

export function CampaignControls({ campaignId, status }: { campaignId: number; status: CampaignStatus }) {
  const start = useMutate('campaigns.start');
  const pause = useMutate('campaigns.pause');
  const resume = useMutate('campaigns.resume');
  const cancel = useMutate('campaigns.cancel');
  const exporter = useMutate('campaigns.exportResults');
  const [dialog, confirm] = useConfirm();
  const busy = start.busy || pause.busy || resume.busy || cancel.busy;
  const input = { id: campaignId };

  const onCancel = async () => {
    const yes = await confirm(
      'Cancel this campaign?',
      'Queued recipients will not be sent (they are counted as cancelled). Messages already sent stay sent. This cannot be undone.',
      'Cancel campaign',
    );
    if (yes) await cancel.run(input);
  };
  const onExport = async () => {
    const f = await exporter.run(input);
    if (f) saveDownload(f);
  };

  return (
    <>
      <div className="row">
        {status === 'draft' && (
          <button type="button" className="primary" onClick={() => start.run(input)} disabled={busy}>
            Start sending
          </button>
        )}
        {status === 'sending' && (
          <button type="button" onClick={() => pause.run(input)} disabled={busy}>
            Pause
          </button>
        )}
        {status === 'paused' && (
          <button type="button" className="primary" onClick={() => resume.run(input)} disabled={busy}>
            Resume
          </button>
        )}
        {(status === 'sending' || status === 'paused') && (
          <button type="button" className="danger" onClick={onCancel} disabled={busy}>
            Cancel
          </button>
        )}
        <button type="button" className="push-right" onClick={onExport} disabled={exporter.busy}>
          Export results
        </button>
      </div>
      <ErrorNote message={start.error ?? pause.error ?? resume.error ?? cancel.error ?? exporter.error} />
      {dialog}
    </>
  );
}
