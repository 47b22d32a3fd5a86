// A test send: the campaign's message, rendered for one recipient, to the user's own address
// through one account. It is a real send, so it counts in the account's ledger and caps; it
// never touches the campaign's rows or counts, and it has a Message-ID of its own, so a reply or
// bounce to it is never taken for the recipient's.
import type { Account } from '../../../shared/domain';
import type { EngineContext } from '../context';
import { AppError, notFound } from '../errors';
import { newMessageId } from '../messages/build';
import { compileTemplate } from '../messages/template';
import { classify } from '../policy/classify';
import { headroom, pickGap } from '../policy/throttle';
import type { AccountUsageBook } from '../sender/account-usage';
import { buildCampaignMessage } from '../sender/prepare';
import { type Transport, TransportError } from '../transports/transport';
import type { Handlers } from './handlers';
import { PREVIEW_ADDRESS } from './templates-api';

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
      usage.recordClaim(account.id, now, now + pickGap(account.limits, ctx.random));
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
