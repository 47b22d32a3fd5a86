// Changes that span several tables, each one named step in one transaction, so no caller outside
// the store holds a transaction open (or could forget to). The two seams that run a caller's code
// inside one are the sender's: recipients.claimTogether (a planning pass's claims) and
// outcomes.commitThen (an outcome with the claims that take its freed slot).

import type { accountsRepo } from './accounts';
import type { campaignsRepo } from './campaigns';
import type { Db } from './db';
import type { importStagingRepo, StagedCommit } from './import-staging';
import type { NewRecipient, recipientsRepo } from './recipients';
import type { suppressionsRepo } from './suppressions';

interface Repos {
  accounts: ReturnType<typeof accountsRepo>;
  campaigns: ReturnType<typeof campaignsRepo>;
  recipients: ReturnType<typeof recipientsRepo>;
  suppressions: ReturnType<typeof suppressionsRepo>;
  importStaging: ReturnType<typeof importStagingRepo>;
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
