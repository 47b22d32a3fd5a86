// One message read from a mailbox, start to finish: parse, classify, match, react, and commit the
// consequence together with the reader's cursor. Pure steps around one store transaction.
import type { EngineContext } from '../context';
import { tokenRecipientId, verifyUnsubscribeToken } from '../messages/unsubscribe';
import { transition } from '../policy/lifecycle';
import type { CommitResult, FeedbackInput } from '../store/feedback';
import { classifyMail } from './classify';
import { type Lookups, matchVerdict } from './match';
import { parseMail } from './parse';
import { DEFAULT_FEEDBACK_POLICY, type FeedbackPolicy, reactToFeedback } from './reaction';

/** A message as a reader hands it over. */
export interface MailboxMessage {
  /** The mailbox's own id for it, e.g. "imap:<uidvalidity>:<uid>" or "gmail:<id>". */
  mailboxId: string;
  /** The reader's cursor once this message is done. */
  cursor: string;
  /** null: the headers already showed it cannot be feedback, so the body was never fetched. */
  raw: Buffer | null;
  receivedAt: number | null;
}

export function createProcessor(
  ctx: Pick<EngineContext, 'store' | 'clock'>,
  tokenKey: () => Promise<Buffer | null>,
  policy: () => FeedbackPolicy = () => DEFAULT_FEEDBACK_POLICY,
) {
  const { store } = ctx;
  return async function processMessage(accountId: number, m: MailboxMessage): Promise<CommitResult> {
    const commit = (source: string, item: FeedbackInput | null) =>
      store.commitFeedback(
        { origin: { kind: 'mailbox', accountId, cursor: m.cursor }, source, now: ctx.clock.now(), item },
        (facts) => reactToFeedback(facts, policy()),
        transition('breaker', 'sending'),
      );
    if (m.raw === null) return commit(m.mailboxId, null);

    const mail = await parseMail(m.raw);
    const verdict = classifyMail(mail);
    const key = verdict.token ? await tokenKey() : null;
    const lookups: Lookups = {
      byMessageId: (id) => store.feedback.byMessageId(id),
      byRecipientId: (id) => store.feedback.byRecipientId(id),
      tokenValid: (token, ref) => key !== null && verifyUnsubscribeToken(key, token, ref.recipientId, ref.addressKey),
    };
    const match = matchVerdict(verdict, lookups);
    // The notice's own Message-ID identifies it across folders and a reset mailbox (new UIDVALIDITY).
    const own = mail.headers['message-id']?.[0]?.match(/<[^<>\s]+>/)?.[0];
    const source = own ? `mid:${own}` : m.mailboxId;
    if (match.kind === 'unrelated' || match.recipient === null) {
      // A token of a deleted campaign's recipient still unsubscribes its address.
      const token = verdict.kind === 'unsubscribe' ? verdict.token : null;
      const id = token ? tokenRecipientId(token) : null;
      const kept =
        token && key && id !== null
          ? store.feedback.keptByRecipientId(id).find((k) => verifyUnsubscribeToken(key, token, id, k.addressKey))
          : undefined;
      if (kept) {
        return store.commitKeptUnsubscribe({
          origin: { kind: 'mailbox', accountId, cursor: m.cursor },
          ref: kept,
          now: ctx.clock.now(),
        });
      }
      return commit(source, null);
    }
    return commit(source, {
      kind: match.kind,
      recipient: match.recipient,
      status: verdict.status,
      diagnostic: verdict.diagnostic,
      subject: mail.subject,
      receivedAt: m.receivedAt,
    });
  };
}
