// In-memory view of each account's recent sends, loaded from the ledger at start so caps hold
// across restarts, then kept in step with every claim and every refunded (never-sent) attempt.
import type { Store } from '../store';
import { DAY_MS } from '../store/ledger';

export interface AccountRuntime {
  /** Ledger times inside the last 24 h, ascending. */
  sends: number[];
  inFlight: number;
  gapUntil: number;
  /** Consecutive throttle episodes, mirrored from the account row. */
  strikes: number;
  /** When the latest throttle episode began; null when none since the app started. */
  throttledAt: number | null;
}

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
        throttledAt: null,
      };
      this.byId.set(accountId, r);
    }
    // Drop what has left the longest window; the array stays sorted because time only grows.
    let drop = 0;
    while (drop < r.sends.length && r.sends[drop]! <= now - DAY_MS) drop++;
    if (drop) r.sends.splice(0, drop);
    return r;
  }

  recordClaim(accountId: number, at: number, gapUntil: number): void {
    const r = this.get(accountId, at);
    r.sends.push(at);
    r.inFlight += 1;
    r.gapUntil = gapUntil;
  }

  /** The attempt ended; `refund` removes its ledger time (the provider never counted it). */
  recordDone(accountId: number, claimedAt: number, refund: boolean): void {
    const r = this.byId.get(accountId);
    if (!r) return;
    r.inFlight = Math.max(0, r.inFlight - 1);
    if (refund) this.refund(accountId, claimedAt);
  }

  /** Removes one attempt's ledger time, once its refund is committed. */
  refund(accountId: number, claimedAt: number): void {
    const r = this.byId.get(accountId);
    const i = r ? r.sends.lastIndexOf(claimedAt) : -1;
    if (r && i >= 0) r.sends.splice(i, 1);
  }
}
