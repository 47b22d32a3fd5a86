// Changes that span several tables, each one named step in one transaction, so no caller outside
// the store holds a transaction open (or could forget to). The two seams that run a caller's code
// inside one are the sender's: recipients.claimTogether (a planning pass's claims) and
// outcomes.commitThen (an outcome with the claims that take its freed slot).

import type { StatusMove } from '../policy/lifecycle';
import type { accountsRepo } from './accounts';
import type { campaignsRepo } from './campaigns';
import type { Db } from './db';
import type {
  CommitResult,
  FeedbackFacts,
  FeedbackInput,
  FeedbackOrigin,
  FeedbackReaction,
  feedbackRepo,
  KeptRef,
} from './feedback';
import type { importStagingRepo, StagedCommit } from './import-staging';
import type { NewRecipient, recipientsRepo } from './recipients';
import type { suppressionsRepo } from './suppressions';

interface Repos {
  accounts: ReturnType<typeof accountsRepo>;
  campaigns: ReturnType<typeof campaignsRepo>;
  recipients: ReturnType<typeof recipientsRepo>;
  suppressions: ReturnType<typeof suppressionsRepo>;
  importStaging: ReturnType<typeof importStagingRepo>;
  feedback: ReturnType<typeof feedbackRepo>;
}

export function storeSteps(db: Db, r: Repos) {
  return {
    /**
     * Retires an account after taking it out of every campaign's sender pool. Its row stays, so
     * past sends keep its name in results, exports and the activity log.
     */
    removeAccount: db.transaction((id: number, now: number): boolean => {
      for (const c of r.campaigns.list()) {
        if (c.pool.includes(id)) r.campaigns.saveSettings(c.id, { ...c, pool: c.pool.filter((x) => x !== id) }, now);
      }
      return r.accounts.retire(id, now);
    }),

    /** An account whose credentials work again: active, no cooldown, no stale error. */
    reactivateAccount: db.transaction((id: number): void => {
      r.accounts.setStatus(id, 'active');
      r.accounts.clearCooldown(id);
      r.accounts.clearError(id);
    }),

    /**
     * Adds imported rows to a campaign, leaving out suppressed addresses, checked in the same
     * transaction as the insert so an unsubscribe cannot slip between the two.
     */
    /**
     * Moves an import's staged rows into its campaign, then runs `alongside` (new merge fields, the
     * campaign's status) in the same transaction: all of it lands, or none of it.
     */
    commitImport: db.transaction(
      (
        importId: string,
        campaignId: number,
        now: number,
        maxDuplicates: number,
        alongside: (c: StagedCommit) => void,
      ): StagedCommit => {
        const counts = r.importStaging.moveInto(importId, campaignId, now, maxDuplicates);
        alongside(counts);
        return counts;
      },
    ),

    /**
     * One feedback notice: the record, the recipient's mark, the suppression, the breaker's pause
     * (`breakerMove`, the lifecycle's move, only if the campaign is still in its `from` status) and,
     * for a mailbox, the reader's cursor, all or nothing. So a reader stopped at any point neither
     * repeats nor skips a message. `item` null: not feedback of ours; only the cursor moves.
     * `react` is the pure policy, run on facts read inside the transaction; a notice whose source
     * was recorded before changes nothing but the cursor.
     */
    commitFeedback: db.transaction(
      (
        input: { origin: FeedbackOrigin; source: string; now: number; item: FeedbackInput | null },
        react: (f: FeedbackFacts) => FeedbackReaction,
        breakerMove: StatusMove,
      ): CommitResult => {
        const { item, now, origin } = input;
        let result: CommitResult = { recorded: false, reaction: null, item: null, paused: null };
        if (item) {
          const f = r.feedback.facts(item.kind, origin.kind, item.recipient);
          const accountId = origin.kind === 'mailbox' ? origin.accountId : null;
          const recorded = r.feedback.record({ accountId, source: input.source, item }, now);
          if (recorded) {
            const reaction = react(f);
            const { recipientId, campaignId, address, addressKey } = item.recipient;
            r.recipients.markFeedback(recipientId, reaction.mark, reaction.countSoftBounce, now);
            if (reaction.suppress) {
              const source = origin.kind === 'mailbox' ? `feedback:${item.kind}` : 'one-click';
              r.suppressions.add([{ address, key: addressKey }], reaction.suppress, source, now);
            }
            const paused =
              reaction.pause &&
              f.campaign.status === breakerMove.from &&
              r.campaigns.move(campaignId, breakerMove, reaction.pause, now)
                ? { campaignId, name: f.campaign.name, from: breakerMove.from, reason: reaction.pause }
                : null;
            result = { recorded: true, reaction, item: recorded, paused };
          }
        }
        if (origin.kind === 'mailbox') r.feedback.advanceCursor(origin.accountId, origin.cursor, now);
        return result;
      },
    ),

    /**
     * Deletes a campaign with its recipients, keeping the address of each one that was sent (or
     * may have been), so an unsubscribe link in mail already delivered still suppresses it.
     */
    deleteCampaign: db.transaction((id: number, now: number): boolean => {
      r.feedback.keepForUnsubscribe(id, now);
      return r.campaigns.remove(id);
    }),

    /**
     * An unsubscribe for a recipient of a deleted campaign: the address is suppressed (there is no
     * campaign left to count it for) and, for a mailbox, the reader's cursor moves, together.
     */
    commitKeptUnsubscribe: db.transaction(
      (input: { origin: FeedbackOrigin; ref: KeptRef; now: number }): CommitResult => {
        const { origin, ref, now } = input;
        const source = origin.kind === 'mailbox' ? 'feedback:unsubscribe' : 'one-click';
        const added = r.suppressions.add([{ address: ref.address, key: ref.addressKey }], 'unsubscribed', source, now);
        if (origin.kind === 'mailbox') r.feedback.advanceCursor(origin.accountId, origin.cursor, now);
        return {
          recorded: false,
          reaction: null,
          item: null,
          paused: null,
          kept: { ref, via: origin.kind, suppressed: added > 0 },
        };
      },
    ),

    addRecipients: db.transaction(
      (campaignId: number, rows: readonly NewRecipient[], now: number, onDuplicate?: (index: number) => void) => {
        const blocked = r.suppressions.suppressedAmong(rows.map((row) => row.addressKey));
        const keptAt = rows.flatMap((row, i) => (blocked.has(row.addressKey) ? [] : [i]));
        const kept = keptAt.map((i) => rows[i]!);
        // Duplicates are reported by their index in `rows`, as the caller numbered them.
        const { added, duplicates } = r.recipients.insertMany(campaignId, kept, now, 'queued', (k) =>
          onDuplicate?.(keptAt[k]!),
        );
        return { added, duplicates, suppressed: rows.length - kept.length };
      },
    ),
  };
}
