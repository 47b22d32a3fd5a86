// Turns one claimed recipient into the exact bytes every transport sends.
import type { Account, Campaign } from '../../../shared/domain';
import type { EngineContext } from '../context';
import { tokenKeyLoader } from '../feedback/token-key';
import { attachmentPath } from '../messages/attachments';
import { buildMessage } from '../messages/build';
import { personalise } from '../messages/personalise';
import { type CompiledTemplate, compileTemplate } from '../messages/template';
import { type UnsubscribeToken, unsubscribeToken } from '../messages/unsubscribe';
import type { Claimed } from '../store/recipients';
import { plusAddressing } from '../transports/presets';
import type { OutgoingMessage } from '../transports/transport';

/**
 * One recipient's message from one account: rendered with the recipient's fields and address, and
 * addressed to `to` (the recipient itself, or the user's own address for a test send).
 */
export function buildCampaignMessage(
  ctx: EngineContext,
  m: {
    template: CompiledTemplate;
    campaign: Campaign;
    account: Account;
    recipient: { id: number | null; address: string; fields: Record<string, string> };
    to: string;
    messageId: string;
    /** The recipient's unsubscribe token; null leaves the mailto without one (and no one-click link). */
    token: UnsubscribeToken | null;
    /** The one-click endpoint's public base URL, when the headless server runs it. */
    oneClickBase?: string | null;
  },
): Promise<OutgoingMessage> {
  const { campaign, account } = m;
  const { unsubscribe, ...rendered } = personalise(
    m.template,
    campaign,
    account.fromAddress,
    m.recipient,
    m.token,
    m.oneClickBase ?? null,
  );
  return buildMessage({
    // A campaign's own sender name wins; the address is always the account's (it owns the mailbox).
    from: { name: campaign.fromName ?? account.fromName, address: account.fromAddress },
    to: m.to,
    replyTo: campaign.replyTo,
    subject: rendered.subject,
    html: rendered.html,
    text: rendered.text,
    messageId: m.messageId,
    date: new Date(ctx.clock.now()),
    attachments: campaign.attachments.map((a) => ({
      filename: a.filename,
      path: attachmentPath(ctx.dataDir, campaign.id, a),
      contentType: a.contentType,
    })),
    listUnsubscribe: unsubscribe,
    meta: { campaignId: campaign.id, recipientId: m.recipient.id, subject: rendered.subject },
  });
}

export function createPreparer(
  ctx: EngineContext,
  opts: { tokenKey?: () => Promise<Buffer | null>; oneClickBase?: string | null } = {},
) {
  // Compiling once per template version keeps a 100k campaign from recompiling per message.
  const compiled = new Map<number, { key: string; tpl: CompiledTemplate }>();
  // The sender hands the same campaign object to every send until the campaign changes, so the
  // template's text is compared once per campaign version, not once per message.
  const seen = new WeakMap<Campaign, CompiledTemplate>();
  const templateFor = (c: Campaign): CompiledTemplate => {
    const known = seen.get(c);
    if (known) return known;
    const key = JSON.stringify(c.template);
    const hit = compiled.get(c.id);
    const tpl = hit?.key === key ? hit.tpl : compileTemplate(c.template);
    compiled.set(c.id, { key, tpl });
    seen.set(c, tpl);
    return tpl;
  };

  const tokenKey = opts.tokenKey ?? tokenKeyLoader(ctx.secrets, ctx.log);

  return async function prepare(claimed: Claimed, campaign: Campaign, account: Account): Promise<OutgoingMessage> {
    const key = await tokenKey();
    const token = key
      ? { value: unsubscribeToken(key, claimed.id, claimed.address.toLowerCase()), plus: plusAddressing(account) }
      : null;
    return buildCampaignMessage(ctx, {
      template: templateFor(campaign),
      campaign,
      account,
      recipient: { id: claimed.id, address: claimed.address, fields: claimed.fields },
      to: claimed.address,
      messageId: claimed.messageId,
      token,
      oneClickBase: opts.oneClickBase ?? null,
    });
  };
}
