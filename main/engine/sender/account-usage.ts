// In-memory view of each account's recent sends, loaded from the ledger at start so caps hold
// across restarts, then kept in step with every claim and every refunded (never-sent) attempt.

import { type Pace, paceGap, UNLEARNED } from '../policy/pace';
import type { Store } from '../store';
import { DAY_MS } from '../store/ledger';

export interface AccountRuntime {
  /** Ledger times inside the last 24 h, ascending. */
  sends: number[];
  inFlight: number;
  gapUntil: number;
  /** Consecutive throttle episodes, mirrored from the account row. */
  strikes: number;
  /** Claims made since the app started; each attempt knows its number. */
  claims: number;
  /** `claims` when the latest throttle episode began; null when none since the app started. */
  episodeStartClaim: number | null;
  /** The pace learned from the provider's throttling (kept in memory: relearned after a restart). */
  pace: Pace;
}

/** What a reaction changes in an account's memory: kept before a commit, put back if it rolls back. */
export type ThrottleMemory = Pick<AccountRuntime, 'gapUntil' | 'strikes' | 'episodeStartClaim' | 'pace'>;

export class AccountUsageBook {
  private byId = new Map<number, AccountRuntime>();

  constructor(private store: Store) {}

  get(accountId: number, now: number): AccountRuntime {
    let r = this.byId.get(accountId);
    if (!r) {
      r = {
        sends: this.store.ledger.window(accountId, now),
        inFlight: 0,
        gapUntil: 0,
        strikes: this.store.accounts.strikes(accountId),
        claims: 0,
        episodeStartClaim: null,
        pace: UNLEARNED,
      };
      this.byId.set(accountId, r);
    }
    // Drop what has left the longest window; the array stays sorted because time only grows.
    let drop = 0;
    while (drop < r.sends.length && r.sends[drop]! <= now - DAY_MS) drop++;
    if (drop) r.sends.splice(0, drop);
    return r;
  }

  remember(accountId: number, now: number): ThrottleMemory {
    const { gapUntil, strikes, episodeStartClaim, pace } = this.get(accountId, now);
    return { gapUntil, strikes, episodeStartClaim, pace };
  }

  restore(accountId: number, memory: ThrottleMemory, now: number): void {
    Object.assign(this.get(accountId, now), memory);
  }

  /**
   * Books one claim; returns its number among the account's claims. `gapMs` is the pause to keep
   * before the next claim (named, so a time is never passed where a length is meant).
   */
  recordClaim(accountId: number, at: number, { gapMs }: { gapMs: number }): number {
    const r = this.get(accountId, at);
    r.sends.push(at);
    r.inFlight += 1;
    // The learned pace spaces claims out at least as far as the account's own gap.
    r.gapUntil = at + Math.max(gapMs, paceGap(r.pace));
    r.claims += 1;
    return r.claims;
  }

  /** The attempt ended; `refund` removes its ledger time (the provider never counted it). */
  recordDone(accountId: number, claimedAt: number, refund: boolean): void {
    const r = this.byId.get(accountId);
    if (!r) return;
    r.inFlight = Math.max(0, r.inFlight - 1);
    if (refund) this.refund(accountId, claimedAt);
  }

  /**
   * A claim whose transaction rolled back: it never happened. Its pacing gap goes too (the claim
   * was allowed at `claimedAt`, so the gap before it had ended by then).
   */
  undoClaim(accountId: number, claimedAt: number): void {
    this.recordDone(accountId, claimedAt, true);
    const r = this.byId.get(accountId);
    if (r) r.gapUntil = Math.min(r.gapUntil, claimedAt);
  }

  /** Removes one attempt's ledger time, once its refund is committed. */
  refund(accountId: number, claimedAt: number): void {
    const r = this.byId.get(accountId);
    const i = r ? r.sends.lastIndexOf(claimedAt) : -1;
    if (r && i >= 0) r.sends.splice(i, 1);
  }
}
