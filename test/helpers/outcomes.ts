// Records an attempt's outcome the way the sender does, through the one transactional commit,
// for suites that set rows up without sending.
import type { RecipientNext } from '../../main/engine/policy/reaction';
import type { Store } from '../../main/engine/store';
import type { Claimed } from '../../main/engine/store/recipients';

export function recordOutcome(store: Store, claimed: Claimed, recipient: RecipientNext, now: number): void {
  store.outcomes.commitThen(
    {
      recipientId: claimed.id,
      campaignId: claimed.campaignId,
      accountId: claimed.accountId,
      address: claimed.address,
      addressKey: claimed.addressKey,
      ledgerId: claimed.ledgerId,
    },
    {
      recipient,
      account: { kind: 'none' },
      suppress: null,
      // An attempt given back without spending it never counted at the provider.
      refund: recipient.state === 'queued' && !recipient.spendAttempt,
      breaker: { streak: 0, pause: null },
    },
    now,
    null,
    () => {},
  );
}
