// Campaign lifecycle: create, edit, order, start/pause/resume/cancel, and the decisions the user
// makes about uncertain and failed rows. The sender reads the status from the database, so a
// pause takes effect on its next pass; in-flight sends finish and are recorded.
import type { CampaignPatch } from '../../../shared/contract';
import type { Campaign, CampaignSettings, CampaignStatus } from '../../../shared/domain';
import type { EngineContext } from '../context';
import { AppError, notFound } from '../errors';
import { compileTemplate, validateTemplate } from '../messages/template';
import { isValidTimeZone } from '../policy/window';
import { inChunks } from './bulk';
import type { Handlers } from './handlers';

export const DEFAULT_TEMPLATE: CampaignSettings['template'] = {
  subject: 'Hello {{default first_name "there"}}',
  body: '<p>Hi {{default first_name "there"}},</p>\n<p>…</p>',
  format: 'html',
  text: null,
};
export const DEFAULT_RETRY: CampaignSettings['retry'] = { maxAttempts: 5, baseDelayMs: 60_000, maxDelayMs: 3_600_000 };

type CampaignHandlerNames =
  | 'campaigns.list'
  | 'campaigns.get'
  | 'campaigns.create'
  | 'campaigns.update'
  | 'campaigns.delete'
  | 'campaigns.reorder'
  | 'campaigns.start'
  | 'campaigns.pause'
  | 'campaigns.resume'
  | 'campaigns.cancel'
  | 'campaigns.resendUncertain'
  | 'campaigns.markUncertainSent'
  | 'campaigns.retryFailed';

export function campaignHandlers(
  ctx: EngineContext,
  deps: { defaultPool: () => number[] },
): Pick<Handlers, CampaignHandlerNames> {
  const { store, clock } = ctx;
  const get = (id: number): Campaign => store.campaigns.get(id) ?? throwNotFound();
  const changed = (id: number | null) => ctx.hub.emit('campaigns.changed', { campaignId: id });
  const setStatus = (c: Campaign, status: CampaignStatus, reason: string | null = null) => {
    store.campaigns.setStatus(c.id, status, reason, clock.now());
    changed(c.id);
    ctx.wake();
    return get(c.id);
  };

  const applyPatch = (c: CampaignSettings, p: CampaignPatch): CampaignSettings => {
    const next: CampaignSettings = {
      ...c,
      ...Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined)),
    } as CampaignSettings;
    if (p.window && !isValidTimeZone(p.window.timeZone)) {
      throw new AppError('invalid_input', `“${p.window.timeZone}” is not a time zone. Use a name like Europe/Berlin.`);
    }
    for (const id of next.pool) if (!store.accounts.get(id)) throw notFound(`Account ${id}`);
    if (next.retry.baseDelayMs > next.retry.maxDelayMs) {
      throw new AppError('invalid_input', 'The first retry delay must not be longer than the longest delay.');
    }
    return next;
  };

  return {
    'campaigns.list': () => store.campaigns.list().map((c) => ({ ...c, counts: store.recipients.counts(c.id) })),

    'campaigns.get': ({ id }) => get(id),

    'campaigns.create': (input) => {
      const base: CampaignSettings = {
        name: input.name,
        template: DEFAULT_TEMPLATE,
        pool: deps.defaultPool(),
        rotation: 'most_headroom',
        replyTo: null,
        scheduleAt: null,
        window: null,
        retry: DEFAULT_RETRY,
        unsubscribe: { mailto: null, urlTemplate: null },
        attachments: [],
      };
      const c = store.campaigns.create(applyPatch(base, input), clock.now());
      ctx.activity('info', `Campaign “${c.name}” created.`, { campaignId: c.id });
      changed(c.id);
      return c;
    },

    'campaigns.update': ({ id, patch }) => {
      const c = get(id);
      const onlyName = Object.keys(patch).every(
        (k) => k === 'name' || (patch as Record<string, unknown>)[k] === undefined,
      );
      if ((c.status === 'sending' || c.status === 'done' || c.status === 'cancelled') && !onlyName) {
        throw new AppError(
          'conflict',
          c.status === 'sending'
            ? 'Pause the campaign before changing its message or settings.'
            : 'This campaign has finished; duplicate it to send again.',
        );
      }
      store.campaigns.saveSettings(id, applyPatch(c, patch), clock.now());
      changed(id);
      return get(id);
    },

    'campaigns.delete': async ({ id }) => {
      const c = get(id);
      if (c.status === 'sending') throw new AppError('conflict', 'Pause or cancel the campaign before deleting it.');
      store.campaigns.remove(id);
      ctx.activity('info', `Campaign “${c.name}” deleted.`);
      changed(null);
      return { deleted: true as const };
    },

    'campaigns.reorder': ({ ids }) => {
      const known = new Set(store.campaigns.list().map((c) => c.id));
      for (const id of ids) if (!known.has(id)) throw notFound(`Campaign ${id}`);
      store.campaigns.reorder(ids);
      changed(null);
      ctx.wake();
      return { reordered: true as const };
    },

    'campaigns.start': async ({ id }) => {
      const c = get(id);
      if (c.status === 'sending') return c;
      if (c.status !== 'draft' && c.status !== 'paused') {
        throw new AppError('conflict', 'Only a draft or paused campaign can start.');
      }
      if (c.pool.length === 0) throw new AppError('conflict', 'Choose at least one sending account first.');
      // Syntax and unknown fields block the start; empty fields are only reported (the preview shows them).
      const report = validateTemplate(
        c.template,
        c.fields.map((f) => f.key),
        [],
        c.unsubscribe.urlTemplate,
      );
      if (!report.ok || report.unknownFields.length > 0) {
        const first = report.errors[0];
        throw new AppError(
          'template_invalid',
          first
            ? `The ${first.part} has an error${first.line ? ` at line ${first.line}, column ${first.column}` : ''}: ${first.message}`
            : `The template uses fields no recipient has: ${report.unknownFields.join(', ')}.`,
        );
      }
      compileTemplate(c.template);
      await inChunks(() => store.recipients.skipSuppressedChunk(id, clock.now()));
      const counts = store.recipients.counts(id);
      if (counts.queued === 0 && counts.uncertain === 0) {
        throw new AppError('conflict', 'There is nobody left to send to: import recipients first.');
      }
      ctx.activity('info', `Campaign “${c.name}” started: ${counts.queued} to send.`, { campaignId: id });
      return setStatus(c, 'sending');
    },

    'campaigns.pause': ({ id }) => {
      const c = get(id);
      if (c.status !== 'sending') throw new AppError('conflict', 'Only a sending campaign can be paused.');
      ctx.activity('info', `Campaign “${c.name}” paused.`, { campaignId: id });
      return setStatus(c, 'paused');
    },

    'campaigns.resume': ({ id }) => {
      const c = get(id);
      if (c.status !== 'paused') throw new AppError('conflict', 'Only a paused campaign can be resumed.');
      ctx.activity('info', `Campaign “${c.name}” resumed.`, { campaignId: id });
      return setStatus(c, 'sending');
    },

    'campaigns.cancel': async ({ id }) => {
      const c = get(id);
      if (c.status === 'done' || c.status === 'cancelled')
        throw new AppError('conflict', 'The campaign has already ended.');
      store.campaigns.setStatus(id, 'cancelled', null, clock.now());
      const skipped = await inChunks(() => store.recipients.moveChunk(id, 'queued', 'skipped', clock.now()));
      ctx.activity('info', `Campaign “${c.name}” cancelled; ${skipped} unsent recipient(s) skipped.`, {
        campaignId: id,
      });
      changed(id);
      return get(id);
    },

    'campaigns.resendUncertain': async ({ id }) => {
      const c = get(id);
      if (c.status === 'cancelled')
        throw new AppError('conflict', 'The campaign was cancelled; nothing more is sent for it.');
      const count = await inChunks(() => store.recipients.moveChunk(id, 'uncertain', 'queued', clock.now()));
      reopen(c, count, 'queued again for sending');
      return { count };
    },

    'campaigns.markUncertainSent': async ({ id }) => {
      const c = get(id);
      const count = await inChunks(() =>
        // No send time: when (or whether) it arrived is unknown, and the send rate must not jump.
        store.recipients.moveChunk(id, 'uncertain', 'sent', clock.now()),
      );
      reopen(c, count, 'marked as sent');
      return { count };
    },

    'campaigns.retryFailed': async ({ id }) => {
      const c = get(id);
      if (c.status === 'cancelled') throw new AppError('conflict', 'The campaign was cancelled.');
      const count = await inChunks(() =>
        store.recipients.moveChunk(id, 'failed', 'queued', clock.now(), { resetAttempts: true }),
      );
      // Bounced addresses are on the suppression list: they stay out.
      await inChunks(() => store.recipients.skipSuppressedChunk(id, clock.now()));
      reopen(c, count, 'queued again after failing');
      return { count };
    },
  };

  /** After a decision about rows, a finished or auto-paused campaign carries on sending. */
  function reopen(c: Campaign, count: number, what: string) {
    if (count === 0) return;
    ctx.activity('info', `${count} recipient(s) of “${c.name}” ${what}.`, { campaignId: c.id });
    const autoPaused = c.status === 'paused' && c.pausedReason !== null;
    if (c.status === 'done' || autoPaused) store.campaigns.setStatus(c.id, 'sending', null, clock.now());
    changed(c.id);
    ctx.wake();
  }
}

function throwNotFound(): never {
  throw notFound('The campaign');
}
