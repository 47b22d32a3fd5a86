import type { Campaign, Recipient } from '../../../shared/domain';
import type { EngineContext } from '../context';
import { notFound } from '../errors';
import { personalise } from '../messages/personalise';
import { compileTemplate, validateTemplate } from '../messages/template';
import { unsubscribeHeaders } from '../messages/unsubscribe';
import { yieldToEventLoop } from '../yield';
import type { Handlers } from './handlers';

type TemplateHandlerNames = 'templates.validate' | 'templates.preview';

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

export function templatesHandlers(ctx: EngineContext): Pick<Handlers, TemplateHandlerNames> {
  const { store } = ctx;
  const get = (id: number): Campaign => {
    const c = store.campaigns.get(id);
    if (!c) throw notFound('The campaign');
    return c;
  };
  const sender = (c: Campaign): { name: string; address: string } => {
    for (const id of c.pool) {
      const a = store.accounts.get(id);
      if (a) return { name: c.fromName ?? a.fromName, address: a.fromAddress };
    }
    const outbox = store.accounts.list().find((a) => a.kind === 'outbox');
    const fallback = outbox ? { name: outbox.fromName, address: outbox.fromAddress } : PREVIEW_SENDER;
    return { ...fallback, name: c.fromName ?? fallback.name };
  };

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
  };
}
