// Per-account send caps over sliding windows. Pure: the ledger times and `now` come in, a time comes out.
import type { Limits } from '../../../shared/domain';

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

export interface Usage {
  /** Ledger times of this account's attempts, ascending, at least the last 24 h before now. */
  sends: readonly number[];
  inFlight: number;
  /** Earliest moment the random gap after the last send allows the next one (0 if none). */
  gapUntil: number;
  /** Account cooldown (throttled / quota spent), or null. */
  cooldownUntil: number | null;
}

export interface UsageCounts {
  lastMinute: number;
  lastHour: number;
  last24h: number;
}

/** The sends an account may make per rolling 24 h: the reserve is left for the user's own mail. */
export function dayCap(limits: Limits): number {
  return limits.perDay - limits.reserve;
}

function windows(limits: Limits): readonly (readonly [length: number, cap: number])[] {
  return [
    [MINUTE, Math.floor(limits.perMinute)],
    [HOUR, Math.floor(limits.perHour)],
    [DAY, Math.floor(dayCap(limits))],
  ];
}

/** Number of sends t with now - t < length, by binary search on the ascending list. */
function countWithin(sends: readonly number[], now: number, length: number): number {
  const edge = now - length;
  let lo = 0;
  let hi = sends.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sends[mid]! > edge) hi = mid;
    else lo = mid + 1;
  }
  return sends.length - lo;
}

/** A send at time t counts in a window of length W while now - t < W. */
export function usageCounts(sends: readonly number[], now: number): UsageCounts {
  return {
    lastMinute: countWithin(sends, now, MINUTE),
    lastHour: countWithin(sends, now, HOUR),
    last24h: countWithin(sends, now, DAY),
  };
}

/**
 * Earliest time >= now at which one more send keeps every cap (perMinute, perHour, perDay - reserve),
 * the gap and the cooldown. Returns `now` if a send may start now. Returns Infinity when only an
 * in-flight send finishing can free capacity (maxConcurrent reached) or when perDay - reserve <= 0.
 *
 * The ledger entry of an attempt is written before it goes on the wire, so in-flight sends are already
 * part of `sends`; `inFlight` only gates concurrency.
 */
export function nextSendAt(limits: Limits, usage: Usage, now: number): number {
  if (usage.inFlight >= limits.maxConcurrent) return Number.POSITIVE_INFINITY;
  let at = Math.max(now, usage.gapUntil, usage.cooldownUntil ?? now);
  const { sends } = usage;
  for (const [length, cap] of windows(limits)) {
    if (cap <= 0) return Number.POSITIVE_INFINITY;
    // A window of length W at time t holds at most cap - 1 other sends exactly when the cap-th most
    // recent send s satisfies t - s >= W; the condition only gets easier as t grows.
    if (sends.length < cap) continue;
    const pivot = sends[sends.length - cap]!;
    at = Math.max(at, pivot + length);
  }
  return at;
}

/** Sends still allowed in each window right now (never negative); day is perDay - reserve - last24h. */
export function headroom(
  limits: Limits,
  sends: readonly number[],
  now: number,
): { minute: number; hour: number; day: number } {
  const used = usageCounts(sends, now);
  return {
    minute: Math.max(0, limits.perMinute - used.lastMinute),
    hour: Math.max(0, limits.perHour - used.lastHour),
    day: Math.max(0, dayCap(limits) - used.last24h),
  };
}

/** The random gap to wait after a send: minGapMs + random() * (maxGapMs - minGapMs), an integer. */
export function pickGap(limits: Limits, random: () => number): number {
  const lo = Math.max(0, Math.min(limits.minGapMs, limits.maxGapMs));
  const hi = Math.max(lo, limits.maxGapMs);
  const r = Math.min(1, Math.max(0, random()));
  return Math.round(lo + r * (hi - lo));
}
