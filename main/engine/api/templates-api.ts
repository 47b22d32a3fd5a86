// Template checks and previews, a campaign's attachments, and the results export.
import type { FileSource } from '../../../shared/contract';
import type { Campaign, Recipient } from '../../../shared/domain';
import type { EngineContext } from '../context';
import { AppError, notFound } from '../errors';
import { toCsvPaged } from '../exports/csv';
import { MAX_ATTACHMENTS_BYTES, removeAttachment, storeAttachment } from '../messages/attachments';
import { personalise } from '../messages/personalise';
import { compileTemplate, validateTemplate } from '../messages/template';
import { unsubscribeHeaders } from '../messages/unsubscribe';
import { yieldToEventLoop } from '../yield';
import { allowedSource } from './file-source';
import type { Handlers } from './handlers';

type TemplateHandlerNames =
  | 'templates.validate'
  | 'templates.preview'
  | 'attachments.add'
  | 'attachments.remove'
  | 'campaigns.exportResults';

/** Who a preview appears to come from when the campaign has no sending account yet. */
export const PREVIEW_SENDER = { name: 'Campaign Tray Test', address: 'test@campaign-tray.local' } as const;
export const PREVIEW_ADDRESS = 'recipient@example.com';

function* mergeFieldsOf(pages: Iterable<Recipient[]>): Generator<Record<string, string>> {
  for (const page of pages) for (const r of page) yield r.fields;
}

function displayAddress(name: string, address: string): string {
  if (!name.trim()) return address;
  return /[",.:;<>@()[\]\\]/.test(name) ? `"${name.replace(/["\\]/g, '\\$&')}" <${address}>` : `${name} <${address}>`;
}

function csvFileName(campaignName: string): string {
  const base = campaignName
    .replace(/[^\p{L}\p{N} _-]+/gu, ' ')
    .trim()
    .replace(/\s+/g, '-')
    .slice(0, 80);
  return `${base || 'campaign'}-results.csv`;
}

export function templatesHandlers(ctx: EngineContext): Pick<Handlers, TemplateHandlerNames> {
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
  const sender = (c: Campaign): { name: string; address: string } => {
    for (const id of c.pool) {
      const a = store.accounts.get(id);
      if (a) return { name: a.fromName, address: a.fromAddress };
    }
    const outbox = store.accounts.list().find((a) => a.kind === 'outbox');
    return outbox ? { name: outbox.fromName, address: outbox.fromAddress } : PREVIEW_SENDER;
  };
  const fileOf = (source: FileSource): { path: string } | { name: string; bytes: Buffer } =>
    'path' in source
      ? { path: source.path }
      : { name: source.upload.name, bytes: Buffer.from(source.upload.base64, 'base64') };

  return {
    'templates.validate': async ({ campaignId, template }) => {
      const c = get(campaignId);
      const t = template ?? c.template;
      const known = c.fields.map((f) => f.key);
      const report = validateTemplate(t, known, [], c.unsubscribe.urlTemplate);
      // The dry render goes a page of recipients at a time, yielding between pages, so a large
      // campaign does not hold the main thread while the user types.
      const empty = new Map<string, number>();
      for (const page of store.recipients.iterate(c.id, 2_000)) {
        const part = validateTemplate(t, known, mergeFieldsOf([page]), c.unsubscribe.urlTemplate);
        report.checkedRecipients += part.checkedRecipients;
        for (const e of part.emptyFields) empty.set(e.field, (empty.get(e.field) ?? 0) + e.recipients);
        await yieldToEventLoop();
      }
      report.emptyFields = known.filter((k) => empty.has(k)).map((field) => ({ field, recipients: empty.get(field)! }));
      return report;
    },

    'templates.preview': ({ campaignId, recipientId, template }) => {
      const c = get(campaignId);
      let recipient: Recipient | null;
      if (recipientId !== undefined) {
        recipient = store.recipients.get(recipientId);
        if (!recipient || recipient.campaignId !== c.id) throw notFound('The recipient');
      } else {
        recipient = store.recipients.first(c.id);
      }
      const address = recipient?.address ?? PREVIEW_ADDRESS;
      const fields = recipient ? recipient.fields : Object.fromEntries(c.fields.map((f) => [f.key, `Sample ${f.key}`]));
      const from = sender(c);
      const { unsubscribe, ...rendered } = personalise(compileTemplate(template ?? c.template), c, from.address, {
        address,
        fields,
      });
      const headers: [string, string][] = [
        ['From', displayAddress(from.name, from.address)],
        ['To', address],
      ];
      if (c.replyTo) headers.push(['Reply-To', c.replyTo]);
      headers.push(...unsubscribeHeaders(unsubscribe));
      return { recipientId: recipient?.id ?? null, address, ...rendered, headers };
    },

    'attachments.add': async ({ campaignId, source }) => {
      const c = editable(get(campaignId));
      const ref = await storeAttachment(ctx.dataDir, c.id, fileOf(allowedSource(ctx, source)), c.attachments);
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

    'campaigns.exportResults': async ({ id }) => {
      const c = get(id);
      const labels = new Map<number, string>();
      const accountLabel = (accountId: number | null): string => {
        if (accountId === null) return '';
        let label = labels.get(accountId);
        if (label === undefined) {
          label = store.accounts.get(accountId)?.label ?? `account ${accountId} (removed)`;
          labels.set(accountId, label);
        }
        return label;
      };
      const keys = c.fields.map((f) => f.key);
      const header = ['address', ...c.fields.map((f) => f.label), 'state', 'account', 'sent_at', 'message_id', 'error'];
      function* pages(): Generator<string[][]> {
        for (const page of store.recipients.iterate(c.id)) {
          yield page.map((r) => [
            r.address,
            ...keys.map((k) => r.fields[k] ?? ''),
            r.state,
            accountLabel(r.accountId),
            r.sentAt === null ? '' : new Date(r.sentAt).toISOString(),
            r.messageId ?? '',
            r.lastError ?? '',
          ]);
        }
      }
      const content = await toCsvPaged(header, pages());
      return { filename: csvFileName(c.name), contentType: 'text/csv; charset=utf-8', content };
    },
  };
}
