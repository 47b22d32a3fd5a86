// Campaign lifecycle: create, edit, order, start/pause/resume/cancel, and the decisions the user
// makes about uncertain and failed rows. The sender reads the status from the database, so a
// pause takes effect on its next pass; in-flight sends finish and are recorded.
import type { CampaignPatch } from '../../../shared/contract';
import type { Campaign, CampaignSettings } from '../../../shared/domain';
import type { EngineContext } from '../context';
import { AppError, notFound } from '../errors';
import { campaignResultsCsv } from '../exports/results';
import { compileTemplate, validateTemplate } from '../messages/template';
import { type CampaignAction, deletable, editable, reopens, TRANSITIONS, transition } from '../policy/lifecycle';
import { isValidTimeZone } from '../policy/window';
import { moveCampaign } from '../sender/campaign-status';
import { campaignProgress } from '../sender/progress';
import type { Sender } from '../sender/sender';
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
  const move = (c: Campaign, action: CampaignAction) => {
    moveCampaign(ctx, c, action);
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
      const rule = editable(c.status);
      if (!rule.settings && !onlyName) throw new AppError('conflict', rule.refusal!);
      store.campaigns.saveSettings(id, applyPatch(c, patch), clock.now());
      changed(id);
      return get(id);
    },

    'campaigns.delete': async ({ id }) => {
      const c = get(id);
      const refusal = deletable(c.status);
      if (refusal) throw new AppError('conflict', refusal);
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
      transition('start', c.status);
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
      // Re-read: the status may have changed while suppressed rows were skipped.
      const started = move(get(id), 'start');
      ctx.activity('info', `Campaign “${c.name}” started: ${counts.queued} to send.`, { campaignId: id });
      return started;
    },

    'campaigns.pause': ({ id }) => {
      const c = move(get(id), 'pause');
      ctx.activity('info', `Campaign “${c.name}” paused.`, { campaignId: id });
      return c;
    },

    'campaigns.resume': ({ id }) => {
      const c = move(get(id), 'resume');
      ctx.activity('info', `Campaign “${c.name}” resumed.`, { campaignId: id });
      return c;
    },

    'campaigns.cancel': async ({ id }) => {
      const c = get(id);
      moveCampaign(ctx, c, 'cancel');
      const skipped = await inChunks(() => store.recipients.moveChunk(id, 'queued', 'skipped', clock.now()));
      ctx.activity('info', `Campaign “${c.name}” cancelled; ${skipped} unsent recipient(s) skipped.`, {
        campaignId: id,
      });
      changed(id);
      return get(id);
    },

    'campaigns.resendUncertain': async ({ id }) => {
      const c = get(id);
      if (c.status === 'cancelled') throw new AppError('conflict', TRANSITIONS.reopen.refusal('cancelled'));
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
      if (c.status === 'cancelled') throw new AppError('conflict', TRANSITIONS.reopen.refusal('cancelled'));
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
  function reopen(before: Campaign, count: number, what: string) {
    if (count === 0) return;
    ctx.activity('info', `${count} recipient(s) of “${before.name}” ${what}.`, { campaignId: before.id });
    // Read again: the sender may have finished or paused it while the rows moved.
    const c = get(before.id);
    if (reopens(c)) moveCampaign(ctx, c, 'reopen');
    changed(c.id);
    ctx.wake();
  }
}

function throwNotFound(): never {
  throw notFound('The campaign');
}

/** What the dashboard shows of a campaign, and its results as a spreadsheet. */
export function campaignReportHandlers(
  ctx: EngineContext,
  sender: () => Sender,
): Pick<Handlers, 'campaigns.progress' | 'campaigns.exportResults'> {
  return {
    'campaigns.progress': ({ id }) => campaignProgress(ctx, sender(), id),
    'campaigns.exportResults': ({ id }) => campaignResultsCsv(ctx, id),
  };
}
