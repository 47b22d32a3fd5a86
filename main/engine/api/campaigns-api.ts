// Campaign lifecycle: create, edit, order, start/pause/resume/cancel, and the decisions the user
// makes about uncertain and failed rows. The sender reads the status from the database, so a
// pause takes effect on its next pass; in-flight sends finish and are recorded.
import type { CampaignPatch } from '../../../shared/contract';
import type { Account, Campaign, CampaignSettings } from '../../../shared/domain';
import type { EngineContext } from '../context';
import { AppError, notFound } from '../errors';
import { campaignResultsCsv } from '../exports/results';
import { newMessageId } from '../messages/build';
import { compileTemplate, validateTemplate } from '../messages/template';
import { classify } from '../policy/classify';
import { type CampaignAction, deletable, editable, reopens, TRANSITIONS, transition } from '../policy/lifecycle';
import { dayCap, headroom, pickGap } from '../policy/throttle';
import { isValidTimeZone } from '../policy/window';
import type { AccountUsageBook } from '../sender/account-usage';
import { moveCampaign } from '../sender/campaign-status';
import { buildCampaignMessage } from '../sender/prepare';
import { campaignProgress, estimateFor } from '../sender/progress';
import type { Sender } from '../sender/sender';
import { readSettings } from '../settings';
import { type Transport, TransportError } from '../transports/transport';
import { inChunks } from './bulk';
import type { Handlers } from './handlers';
import { PREVIEW_ADDRESS } from './templates-api';

export const DEFAULT_TEMPLATE: CampaignSettings['template'] = {
  subject: 'Hello {{default first_name "there"}}',
  body: '<p>Hi {{default first_name "there"}},</p>\n<p>…</p>',
  format: 'html',
  text: null,
};
export { DEFAULT_RETRY } from '../settings';

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
        fromName: null,
        scheduleAt: null,
        window: null,
        retry: readSettings(store).defaultRetry,
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
      store.deleteCampaign(id, clock.now());
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
      const skipped = await inChunks(() =>
        store.recipients.moveChunk(id, 'queued', 'skipped', clock.now(), { skipReason: 'cancelled' }),
      );
      ctx.activity('info', `Campaign “${c.name}” cancelled; ${skipped} unsent recipient(s) skipped.`, {
        campaignId: id,
      });
      changed(id);
      return get(id);
    },

    'campaigns.resendUncertain': async ({ id, recipientIds }) => {
      const c = get(id);
      if (c.status === 'cancelled') throw new AppError('conflict', TRANSITIONS.reopen.refusal('cancelled'));
      const count = recipientIds
        ? store.recipients.moveSelected(id, recipientIds, 'uncertain', 'queued', clock.now())
        : await inChunks(() => store.recipients.moveChunk(id, 'uncertain', 'queued', clock.now()));
      reopen(c, count, 'queued again for sending');
      return { count };
    },

    'campaigns.markUncertainSent': async ({ id, recipientIds }) => {
      const c = get(id);
      // No send time: when (or whether) it arrived is unknown, and the send rate must not jump.
      const count = recipientIds
        ? store.recipients.moveSelected(id, recipientIds, 'uncertain', 'sent', clock.now())
        : await inChunks(() => store.recipients.moveChunk(id, 'uncertain', 'sent', clock.now()));
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

// ---- the dashboard ----------------------------------------------------------------------------
// What the dashboard reads beyond the live progress: the send rate over time, every failure
// group with examples, the pool's capacity and ETA, and the uncertain rows one by one.

type DashboardHandlerNames = 'campaigns.sendRate' | 'campaigns.failures' | 'campaigns.capacity' | 'campaigns.uncertain';

/** A chart has room for this many points; a longer span gets wider buckets. */
export const MAX_BUCKETS = 1_440;
const MINUTE = 60_000;
const HOUR = 3_600_000;

export function campaignDashboardHandlers(
  ctx: EngineContext,
  deps: { sender: () => Sender },
): Pick<Handlers, DashboardHandlerNames> {
  const { store } = ctx;
  const campaign = (id: number) => {
    const c = store.campaigns.get(id);
    if (!c) throw notFound('The campaign');
    return c;
  };

  return {
    'campaigns.sendRate': ({ id, from, to, bucketMs }) => {
      const c = campaign(id);
      const now = ctx.clock.now();
      const end = to ?? now;
      const start = from ?? store.recipients.firstSentAt(c.id) ?? end - HOUR;
      // Whole minutes, so buckets line up with the clock; wide enough to stay under MAX_BUCKETS.
      let bucket = bucketMs;
      const span = Math.max(0, end - start);
      if (span / bucket > MAX_BUCKETS) bucket = Math.ceil(span / MAX_BUCKETS / MINUTE) * MINUTE;
      const first = Math.floor(start / bucket) * bucket;
      const count = Math.max(1, Math.ceil((end - first) / bucket));
      const sent = store.recipients.sentBuckets(c.id, first, first + count * bucket, bucket);
      const buckets = Array.from({ length: count }, (_, i) => ({ at: first + i * bucket, sent: sent.get(i) ?? 0 }));
      return { campaignId: c.id, bucketMs: bucket, from: first, to: first + count * bucket, buckets };
    },

    'campaigns.failures': ({ id, offset, limit, examples }) => {
      const c = campaign(id);
      const groups = store.recipients.failureGroups(c.id, { offset, limit });
      return {
        total: groups.total,
        rows: groups.rows.map((g) => ({
          ...g,
          examples: examples > 0 ? store.recipients.failureExamples(c.id, g, examples) : [],
        })),
      };
    },

    'campaigns.capacity': ({ id, pool }) => {
      const c = campaign(id);
      const now = ctx.clock.now();
      const accounts = (pool ?? c.pool).map((accountId) => {
        const a = store.accounts.get(accountId);
        if (!a) throw notFound(`Account ${accountId}`);
        return a;
      });
      const usable = (a: Account) => a.status === 'active';
      const rows = accounts.map((a) => ({
        accountId: a.id,
        label: a.label,
        perDay: dayCap(a.limits),
        perHour: a.limits.perHour,
        leftToday: headroom(a.limits, deps.sender().usage.get(a.id, now).sends, now).day,
        usable: usable(a),
      }));
      const counts = store.recipients.counts(c.id);
      const remaining = counts.queued + counts.sending;
      const open = c.status !== 'done' && c.status !== 'cancelled';
      return {
        campaignId: c.id,
        perDay: rows.filter((r) => r.usable).reduce((n, r) => n + r.perDay, 0),
        perHour: rows.filter((r) => r.usable).reduce((n, r) => n + r.perHour, 0),
        accounts: rows,
        remaining,
        eta: open ? estimateFor(ctx, deps.sender(), c, accounts, remaining, now) : null,
      };
    },

    'campaigns.uncertain': ({ id, after, limit }) => {
      const c = campaign(id);
      const page = store.recipients.uncertainPage(c.id, after ?? 0, limit);
      const labels = new Map<number, string | null>();
      const labelOf = (accountId: number | null) => {
        if (accountId === null) return null;
        if (!labels.has(accountId)) labels.set(accountId, store.accounts.withRemoved(accountId)?.label ?? null);
        return labels.get(accountId) ?? null;
      };
      return {
        total: page.total,
        next: page.next,
        rows: page.rows.map((r) => ({
          recipientId: r.id,
          address: r.address,
          messageId: r.messageId,
          claimedAt: r.claimedAt,
          accountId: r.accountId,
          accountLabel: labelOf(r.accountId),
          cause: r.cause,
          handover: r.handover,
          lastError: r.lastError,
          outboxItemId: store.outbox.latestFor(r.id),
        })),
      };
    },
  };
}

// ---- the test send ----------------------------------------------------------------------------
// A test send: the campaign's message, rendered for one recipient, to the user's own address
// through one account. It is a real send, so it counts in the account's ledger and caps; it
// never touches the campaign's rows or counts, and it has a Message-ID of its own, so a reply or
// bounce to it is never taken for the recipient's.

const utc = (t: number) => `${new Date(t).toISOString().replace('T', ' ').slice(0, 16)} UTC`;

export function campaignTestSendHandlers(
  ctx: EngineContext,
  deps: {
    transportFor: (a: Account) => Promise<Transport>;
    usage: () => AccountUsageBook;
  },
): Pick<Handlers, 'campaigns.testSend'> {
  const { store } = ctx;
  return {
    'campaigns.testSend': async ({ campaignId, accountId, to, recipientId, template }) => {
      const campaign = store.campaigns.get(campaignId);
      if (!campaign) throw notFound('The campaign');
      const account = store.accounts.get(accountId);
      if (!account) throw notFound('The account');
      const now = ctx.clock.now();
      if (account.status === 'needs_reauth') {
        throw new AppError(
          'auth_failed',
          `${account.label} needs to be reconnected before it can send: ${account.lastError ?? 'its login was refused'}.`,
        );
      }
      if (account.cooldownUntil !== null && account.cooldownUntil > now) {
        throw new AppError(
          'conflict',
          `${account.label} is resting until ${utc(account.cooldownUntil)} after its provider refused mail. ` +
            'Try again then, or choose another account.',
        );
      }
      const usage = deps.usage();
      const room = headroom(account.limits, usage.get(account.id, now).sends, now);
      if (room.day <= 0 || room.hour <= 0 || room.minute <= 0) {
        const which = room.day <= 0 ? 'daily' : room.hour <= 0 ? 'hourly' : 'per-minute';
        throw new AppError(
          'conflict',
          `${account.label} has reached its ${which} limit; a test would go over it. Try again later, or choose another account.`,
        );
      }

      let recipient: { address: string; fields: Record<string, string> };
      if (recipientId !== undefined) {
        const r = store.recipients.get(recipientId);
        if (!r || r.campaignId !== campaign.id) throw notFound('The recipient');
        recipient = r;
      } else {
        const first = store.recipients.first(campaign.id);
        recipient = first ?? {
          address: PREVIEW_ADDRESS,
          fields: Object.fromEntries(campaign.fields.map((f) => [f.key, `Sample ${f.key}`])),
        };
      }
      const messageId = newMessageId(account.fromAddress);
      const message = await buildCampaignMessage(ctx, {
        template: compileTemplate(template ?? campaign.template),
        campaign,
        account,
        recipient: { id: null, ...recipient },
        to,
        messageId,
        // No recipient's unsubscribe token: a click in a test must never unsubscribe the recipient.
        token: null,
      });

      // Counted like any send before it goes out, so the caps hold even if the app stops now.
      const entry = store.ledger.recordLoose(account.id, now);
      usage.recordClaim(account.id, now, { gapMs: pickGap(account.limits, ctx.random) });
      let refund = false;
      try {
        const receipt = await (await deps.transportFor(account)).send(message);
        ctx.activity('info', `Test message of “${campaign.name}” sent to ${to} through ${account.label}.`, {
          campaignId: campaign.id,
          accountId: account.id,
        });
        return { to, accountId: account.id, messageId, subject: message.meta.subject, response: receipt.response };
      } catch (err) {
        if (!(err instanceof TransportError)) throw err;
        const f = err.failure;
        if (f.source === 'interrupted') {
          throw new AppError(
            'network',
            `The connection to ${account.label} broke while the test message was going out: it may have arrived. ` +
              `Check ${to} before sending another.`,
          );
        }
        if (f.source === 'config') throw new AppError('conflict', f.message);
        const v = classify(f, ctx.clock.now());
        // Refused before delivery: the provider did not count it either.
        refund = v.cls === 'throttle' || v.cls === 'quota' || v.cls === 'auth';
        if (v.cls === 'auth') {
          store.accounts.setStatus(account.id, 'needs_reauth', v.message);
          ctx.hub.emit('accounts.changed', { accountId: account.id });
        }
        ctx.activity('warn', `Test message to ${to} through ${account.label} failed: ${v.message}`, {
          campaignId: campaign.id,
          accountId: account.id,
        });
        const code = v.cls === 'auth' ? 'auth_failed' : v.cls === 'transient' ? 'network' : 'conflict';
        throw new AppError(code, `The test message was not sent. ${v.message}.`);
      } finally {
        if (refund) store.ledger.refund(entry);
        usage.recordDone(account.id, now, refund);
      }
    },
  };
}
