// Ties a classified message to the one recipient row it is about, or to nothing. Every message we
// send has its own Message-ID (fixed per recipient at claim) and its own unsubscribe token, so a
// match is exact; a notice that names neither is not ours, whatever its words say.
import type { FeedbackKind } from '../../../shared/domain';
import { tokenRecipientId } from '../messages/unsubscribe';
import type { SentRef } from '../store/feedback';
import type { Verdict } from './classify';

export type { SentRef };

export interface Lookups {
  byMessageId(messageId: string): SentRef | null;
  byRecipientId(id: number): SentRef | null;
  /** Whether the token was signed for this recipient with our key. */
  tokenValid(token: string, ref: SentRef): boolean;
}

export interface Match {
  kind: FeedbackKind;
  recipient: SentRef | null;
  /** The Message-ID that tied it to us, when one did. */
  via: string | null;
}

const UNRELATED: Match = { kind: 'unrelated', recipient: null, via: null };

export function matchVerdict(v: Verdict, look: Lookups): Match {
  if (v.kind === 'unrelated') return UNRELATED;
  if (v.kind === 'unsubscribe') {
    if (v.token !== null) {
      const id = tokenRecipientId(v.token);
      const ref = id === null ? null : look.byRecipientId(id);
      if (ref && look.tokenValid(v.token, ref)) return { kind: 'unsubscribe', recipient: ref, via: null };
    }
    // No valid token: a reply to one of our messages whose sender is that very recipient still
    // counts (a mail client that drops the tag). A bare From line alone never does.
    for (const id of v.refs) {
      const ref = look.byMessageId(id);
      if (ref && v.address === ref.addressKey) return { kind: 'unsubscribe', recipient: ref, via: id };
    }
    return UNRELATED;
  }
  for (const id of v.refs) {
    const ref = look.byMessageId(id);
    if (ref) return { kind: v.kind, recipient: ref, via: id };
  }
  return UNRELATED;
}
