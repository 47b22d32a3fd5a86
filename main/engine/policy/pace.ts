// The pace an account's provider really accepts, learned from its throttling. Pure: the state and
// the facts come in, the next state comes out.
//
// A throttle answer (a new episode) sets the pace a little below what the provider took in the
// minute before it (a learned pace drops by a tenth to a half), and remembers that rate as a
// ceiling; clean minutes of sending raise the pace
// by a step at a time, never above the ceiling while it is fresh. After a long clean stretch the
// ceiling is forgotten, so a provider that raised its limit is found again.
import type { Limits } from '../../../shared/domain';
import { MINUTE } from './throttle';

export interface Pace {
  /** Sends per minute the account keeps to; null: no throttle seen, the caps alone rule. */
  perMinute: number | null;
  /** The rate at the latest throttle: the pace stays below it until `ceilingUntil`. */
  ceiling: number | null;
  ceilingUntil: number;
  /** Deliveries since the pace last changed. */
  delivered: number;
}

export const UNLEARNED: Pace = { perMinute: null, ceiling: null, ceilingUntil: 0, delivered: 0 };

/** Below the provider's rate by this share, so timer and delivery jitter stay under its limit. */
const MARGIN = 0.9;
/** One episode lowers a learned pace to no less than this share of it. */
const MOST_DROP = 0.5;
/** How long a ceiling holds without a throttle. */
export const CEILING_MS = 30 * MINUTE;
/** Each clean minute's worth of deliveries raises the pace by this share (at least one a minute). */
const STEP = 0.05;

/**
 * After a throttle that began a new episode. `acceptedLastMinute` is how many of the account's
 * sends the provider took in the minute before (the ones still on the wire not counted).
 */
export function paceAfterThrottle(pace: Pace, acceptedLastMinute: number, now: number): Pace {
  const seen = Math.max(1, Math.floor(acceptedLastMinute));
  const below = Math.max(1, Math.floor(seen * MARGIN));
  if (pace.perMinute === null) return { perMinute: below, ceiling: seen, ceilingUntil: now + CEILING_MS, delivered: 0 };
  // A learned pace drops by at least a tenth and at most by half: a provider still counting sends
  // from before a cooldown refuses after a few, and that short sample must not pin the pace near
  // zero for the ceiling's half hour. A provider that really is that slow is followed down in a few
  // more episodes.
  const perMinute = Math.max(
    1,
    Math.min(Math.floor(pace.perMinute * MARGIN), Math.max(below, Math.floor(pace.perMinute * MOST_DROP))),
  );
  return { perMinute, ceiling: Math.max(seen, pace.perMinute), ceilingUntil: now + CEILING_MS, delivered: 0 };
}

/** After a delivery: a minute's worth of them raises the pace one step, up to the caps and the ceiling. */
export function paceAfterDelivery(pace: Pace, limits: Limits, now: number): Pace {
  if (pace.perMinute === null) return pace;
  const delivered = pace.delivered + 1;
  if (delivered < pace.perMinute) return { ...pace, delivered };
  const fresh = pace.ceiling !== null && now < pace.ceilingUntil;
  const top = fresh ? Math.max(1, Math.floor(pace.ceiling! * 0.95)) : limits.perMinute;
  const raised = Math.min(top, pace.perMinute + Math.max(1, Math.ceil(pace.perMinute * STEP)));
  // At the caps with no fresh ceiling, nothing is left to learn.
  if (!fresh && raised >= limits.perMinute) return UNLEARNED;
  return {
    perMinute: Math.max(pace.perMinute, raised),
    ceiling: fresh ? pace.ceiling : null,
    ceilingUntil: fresh ? pace.ceilingUntil : 0,
    delivered: 0,
  };
}

/** The least time between two claims at this pace (0: no learned pace). */
export function paceGap(pace: Pace): number {
  return pace.perMinute === null ? 0 : Math.ceil(MINUTE / pace.perMinute);
}
