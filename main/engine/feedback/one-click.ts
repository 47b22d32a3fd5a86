// RFC 8058 one-click unsubscribe, as the engine sees it: a token from a link is verified against
// the key that signed it, and a confirmed request is one feedback reaction, committed like a
// mailto unsubscribe (record, mark, suppression, the campaign's count) and announced the same way.
// The HTTP side (main/server/unsubscribe-listener.ts) only carries requests here.
import type { EngineContext } from '../context';
import { isTokenShaped, tokenRecipientId, unsubscribeToken, verifyUnsubscribeToken } from '../messages/unsubscribe';
import { transition } from '../policy/lifecycle';
import type { KeptRef, SentRef } from '../store/feedback';
import { announceFeedback } from './announce';
import { DEFAULT_FEEDBACK_POLICY, type FeedbackPolicy, reactToFeedback } from './reaction';

/** `unavailable`: the signing key cannot be read right now (a locked keychain); ask again later. */
export type OneClickCheck = 'valid' | 'unknown' | 'unavailable';
export type OneClickResult = 'unsubscribed' | 'already' | 'unknown' | 'unavailable';

export interface OneClickUnsubscribe {
  /** Whether a link's token was signed by us for a recipient we have. Changes nothing. */
  check(token: string): Promise<OneClickCheck>;
  /** Suppresses the token's recipient. Asked again, it answers `already` and counts nothing. */
  confirm(token: string): Promise<OneClickResult>;
}

export function oneClickUnsubscribe(
  ctx: Pick<EngineContext, 'store' | 'clock' | 'activity' | 'hub'>,
  tokenKey: () => Promise<Buffer | null>,
  policy: () => FeedbackPolicy = () => DEFAULT_FEEDBACK_POLICY,
): OneClickUnsubscribe {
  const { store } = ctx;

  type Found = { live: SentRef } | { kept: KeptRef };

  const resolve = async (token: string): Promise<Found | 'unknown' | 'unavailable'> => {
    if (!isTokenShaped(token)) return 'unknown';
    const key = await tokenKey();
    if (!key) return 'unavailable';
    const id = tokenRecipientId(token.toLowerCase());
    // The MAC is computed even for an id we do not have (or that cannot exist), so the answer
    // takes as long either way.
    if (id === null) {
      unsubscribeToken(key, 1, '');
      return 'unknown';
    }
    const ref = store.feedback.byRecipientId(id);
    if (verifyUnsubscribeToken(key, token, id, ref?.addressKey ?? '') && ref) return { live: ref };
    // A recipient of a deleted campaign (its id may since belong to someone else).
    const kept = store.feedback.keptByRecipientId(id).find((k) => verifyUnsubscribeToken(key, token, id, k.addressKey));
    return kept ? { kept } : 'unknown';
  };

  return {
    async check(token) {
      const found = await resolve(token);
      return typeof found === 'string' ? found : 'valid';
    },

    async confirm(token) {
      const found = await resolve(token);
      if (typeof found === 'string') return found;
      const now = ctx.clock.now();
      if ('kept' in found) {
        const kept = store.commitKeptUnsubscribe({ origin: { kind: 'one_click' }, ref: found.kept, now });
        announceFeedback(ctx, null, kept);
        return kept.kept?.suppressed ? 'unsubscribed' : 'already';
      }
      const ref = found.live;
      // One source per recipient: the unique key that makes a repeated request record nothing.
      const result = store.commitFeedback(
        {
          origin: { kind: 'one_click' },
          source: `one-click:${ref.recipientId}`,
          now,
          item: {
            kind: 'unsubscribe',
            recipient: ref,
            status: null,
            diagnostic: null,
            subject: 'One-click unsubscribe',
            receivedAt: now,
          },
        },
        (facts) => reactToFeedback(facts, policy()),
        transition('breaker', 'sending'),
      );
      announceFeedback(ctx, null, result);
      return result.recorded ? 'unsubscribed' : 'already';
    },
  };
}
