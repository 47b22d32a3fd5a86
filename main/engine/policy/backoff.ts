// How long to wait after a failure. Pure: randomness comes in as a function.
import type { RetryPolicy } from '../../../shared/domain';
import { DAY, HOUR, MINUTE } from './throttle';

/**
 * Delay before retry number `attempt` (1 = first retry) for transient failures: exponential from
 * baseDelayMs, capped at maxDelayMs, with "equal jitter" (half fixed, half random); never less than
 * retryAfterMs when given.
 */
export function retryDelay(
  attempt: number,
  policy: RetryPolicy,
  random: () => number,
  retryAfterMs?: number | null,
): number {
  const n = Number.isNaN(attempt) ? 1 : Math.max(1, Math.floor(attempt));
  const cap = Math.max(0, policy.maxDelayMs);
  // 2 ** n overflows to Infinity for large n, which the cap then absorbs.
  const ceiling = Math.min(cap, Math.max(0, policy.baseDelayMs) * 2 ** (n - 1));
  const half = ceiling / 2;
  const r = Math.min(1, Math.max(0, random()));
  const delay = Math.round(half + r * half);
  return retryAfterMs != null && retryAfterMs > delay ? Math.ceil(retryAfterMs) : delay;
}

const THROTTLE_BASE_MS = MINUTE;
const THROTTLE_MAX_MS = HOUR;

/**
 * Cooldown after a throttle answer; grows with consecutive strikes: 1 min, 2, 4, 8 … capped at 60 min
 * (strikes starts at 0 for the first throttle).
 */
export function throttleCooldown(strikes: number): number {
  const n = Number.isNaN(strikes) ? 0 : Math.max(0, Math.floor(strikes));
  return Math.min(THROTTLE_MAX_MS, THROTTLE_BASE_MS * 2 ** n);
}

/** Used when a quota answer carries no time: Gmail and most providers count a rolling 24 h. */
export const QUOTA_COOLDOWN_MS: number = DAY;
