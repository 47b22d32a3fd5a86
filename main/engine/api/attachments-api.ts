// A campaign's attachments: copied into the data folder when added, and fixed while it sends so
// every recipient gets the same files.
import fsp from 'node:fs/promises';
import type { FileSource } from '../../../shared/contract';
import type { Campaign } from '../../../shared/domain';
import type { EngineContext } from '../context';
import { AppError, notFound } from '../errors';
import { MAX_ATTACHMENTS_BYTES, removeAttachment, storeAttachment } from '../messages/attachments';
import type { Handlers } from './handlers';

export function attachmentsHandlers(ctx: EngineContext): Pick<Handlers, 'attachments.add' | 'attachments.remove'> {
  const { store } = ctx;
  const get = (id: number): Campaign => {
    const c = store.campaigns.get(id);
    if (!c) throw notFound('The campaign');
    return c;
  };
  const editable = (c: Campaign): Campaign => {
    if (c.status === 'sending' || c.status === 'done') {
      throw new AppError(
        'conflict',
        c.status === 'sending'
          ? 'Attachments cannot change while the campaign is sending: every recipient must get the same files. Pause it first.'
          : 'This campaign has finished; its attachments can no longer change. Duplicate it to send again.',
      );
    }
    return c;
  };
  const fileOf = (
    source: FileSource,
  ): { path: string; name: string; owned: boolean } | { name: string; bytes: Buffer } =>
    'fileId' in source
      ? ctx.files.take(source.fileId)
      : { name: source.upload.name, bytes: Buffer.from(source.upload.base64, 'base64') };

  return {
    'attachments.add': async ({ campaignId, source }) => {
      const c = editable(get(campaignId));
      const file = fileOf(source);
      const ref = await storeAttachment(ctx.dataDir, c.id, file, c.attachments).finally(async () => {
        // An upload the server took in was only a way in: the stored copy is the attachment now.
        if ('owned' in file && file.owned) await fsp.rm(file.path, { force: true });
      });
      // Re-read after the copy: another change may have landed while the file was written.
      let latest: Campaign;
      try {
        latest = editable(get(campaignId));
        if (latest.attachments.reduce((n, a) => n + a.size, 0) + ref.size > MAX_ATTACHMENTS_BYTES) {
          throw new AppError('invalid_input', 'The attachments would exceed the size limit. Remove one first.');
        }
      } catch (err) {
        await removeAttachment(ctx.dataDir, campaignId, ref);
        throw err;
      }
      store.campaigns.saveSettings(
        latest.id,
        { ...latest, attachments: [...latest.attachments, ref] },
        ctx.clock.now(),
      );
      ctx.hub.emit('campaigns.changed', { campaignId: latest.id });
      return ref;
    },

    'attachments.remove': async ({ campaignId, attachmentId }) => {
      const c = editable(get(campaignId));
      const ref = c.attachments.find((a) => a.id === attachmentId);
      if (!ref) throw notFound('The attachment');
      // The reference goes first: a file left behind is harmless, a reference to no file is not.
      store.campaigns.saveSettings(
        c.id,
        { ...c, attachments: c.attachments.filter((a) => a.id !== attachmentId) },
        ctx.clock.now(),
      );
      ctx.hub.emit('campaigns.changed', { campaignId: c.id });
      await removeAttachment(ctx.dataDir, c.id, ref);
      return { removed: true };
    },
  };
}
