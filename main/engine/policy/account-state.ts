// What an account is doing now, for its badge and the dashboard: one pure function of the account
// row and its ledger times, so "cooling down until 14:05" is computed in one place.
import type { AccountState, AccountStatus, CooldownCause, Limits } from '../../../shared/domain';
import { headroom, nextSendAt } from './throttle';

export interface AccountFacts {
  status: AccountStatus;
  removedAt: number | null;
  cooldownUntil: number | null;
  /** What the last cooldown was for: the provider throttled it, or its quota is spent. */
  cooldownCause: CooldownCause | null;
  limits: Limits;
  /** Ledger times inside the last 24 h, ascending. */
  sends: readonly number[];
}

export function accountState(a: AccountFacts, now: number): AccountState {
  if (a.removedAt !== null) return { code: 'removed', until: null, reason: 'Removed; its past sends keep its name' };
  if (a.status === 'needs_reauth') {
    return { code: 'needs_reauth', until: null, reason: 'Needs to be reconnected before it can send' };
  }
  if (a.status === 'paused') return { code: 'paused', until: null, reason: 'Paused by you' };
  if (a.cooldownUntil !== null && a.cooldownUntil > now) {
    return a.cooldownCause === 'quota'
      ? {
          code: 'resting_quota',
          until: a.cooldownUntil,
          reason: 'Resting: the provider says its sending quota is spent',
        }
      : { code: 'cooling_down', until: a.cooldownUntil, reason: 'Cooling down after the provider throttled it' };
  }
  const h = headroom(a.limits, a.sends, now);
  const free = () => {
    const at = nextSendAt(a.limits, { sends: a.sends, inFlight: 0, gapUntil: 0, cooldownUntil: null }, now);
    return Number.isFinite(at) ? at : null;
  };
  if (h.day <= 0) return { code: 'daily_cap', until: free(), reason: 'Reached its daily limit' };
  if (h.hour <= 0) return { code: 'hourly_cap', until: free(), reason: 'Reached its hourly limit' };
  if (h.minute <= 0) return { code: 'minute_cap', until: free(), reason: 'Reached its per-minute limit' };
  return { code: 'ready', until: null, reason: 'Ready to send' };
}
