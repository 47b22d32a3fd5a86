import type { Account, Campaign, Recipient } from '../../../shared/domain';
import type { EngineContext } from '../context';
import { notFound } from '../errors';
import { tokenKeyLoader } from '../feedback/token-key';
import { personalise } from '../messages/personalise';
import { compileTemplate, validateTemplate } from '../messages/template';
import { type UnsubscribeToken, unsubscribeHeaders, unsubscribeToken } from '../messages/unsubscribe';
import { plusAddressing } from '../transports/presets';
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

export function templatesHandlers(
  ctx: EngineContext,
  deps: {
    /** The key the sender signs unsubscribe tokens with (the same loader as the sender's). */
    tokenKey?: () => Promise<Buffer | null>;
    /** The one-click endpoint's public base URL, when the headless server runs it. */
    oneClickBase?: string | null;
  } = {},
): Pick<Handlers, TemplateHandlerNames> {
  const { store } = ctx;
  const tokenKey = deps.tokenKey ?? tokenKeyLoader(ctx.secrets, ctx.log);
  const get = (id: number): Campaign => {
    const c = store.campaigns.get(id);
    if (!c) throw notFound('The campaign');
    return c;
  };
  const sender = (c: Campaign): { name: string; address: string; account: Account | null } => {
    for (const id of c.pool) {
      const a = store.accounts.get(id);
      if (a) return { name: c.fromName ?? a.fromName, address: a.fromAddress, account: a };
    }
    const outbox = store.accounts.list().find((a) => a.kind === 'outbox');
    const fallback = outbox ? { name: outbox.fromName, address: outbox.fromAddress } : PREVIEW_SENDER;
    return { ...fallback, name: c.fromName ?? fallback.name, account: outbox ?? null };
  };
  /** The token this recipient's message will carry, signed as the sender signs it (sender/prepare.ts). */
  const tokenOf = async (r: Recipient | null, account: Account | null): Promise<UnsubscribeToken | null> => {
    if (!r) return null;
    const key = await tokenKey();
    if (!key) return null;
    return {
      value: unsubscribeToken(key, r.id, r.address.toLowerCase()),
      plus: account ? plusAddressing(account) : false,
    };
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

    'templates.preview': async ({ campaignId, recipientId, template }) => {
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
      const token = await tokenOf(recipient, from.account);
      const { unsubscribe, ...rendered } = personalise(
        compileTemplate(template ?? c.template),
        c,
        from.address,
        { address, fields },
        token,
        deps.oneClickBase ?? null,
      );
      const headers: [string, string][] = [
        ['From', displayAddress(from.name, from.address)],
        ['To', address],
      ];
      if (c.replyTo) headers.push(['Reply-To', c.replyTo]);
      headers.push(...unsubscribeHeaders(unsubscribe));
      const unsubscribeNote = token
        ? 'The unsubscribe token is this recipient’s own; every recipient’s message carries a different one.'
        : recipient
          ? 'Unsubscribe tokens are off until the keychain can be read: messages carry the plain address.'
          : 'Each recipient’s message carries their own unsubscribe token; this sample has none.';
      // The pool rotates: another account's message carries its own From and unsubscribe address.
      const rotates = c.pool.filter((id) => store.accounts.get(id)).length > 1 && from.account;
      const note = rotates
        ? `${unsubscribeNote} Shown as sent through ${from.account!.label}; the pool’s other accounts send from their own addresses.`
        : unsubscribeNote;
      return { recipientId: recipient?.id ?? null, address, ...rendered, headers, unsubscribeNote: note };
    },
  };
}
