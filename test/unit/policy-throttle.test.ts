import { describe, expect, it } from 'vitest';
import {
  DAY,
  HOUR,
  headroom,
  MINUTE,
  nextSendAt,
  pickGap,
  type Usage,
  usageCounts,
} from '../../main/engine/policy/throttle';
import type { Limits } from '../../shared/domain';
import { seeded } from '../helpers/prng';

const T = Date.UTC(2026, 0, 5, 9, 0, 0);

const limits = (over: Partial<Limits> = {}): Limits => ({
  perMinute: 3,
  perHour: 10,
  perDay: 20,
  reserve: 0,
  minGapMs: 0,
  maxGapMs: 0,
  maxConcurrent: 2,
  ...over,
});

const usage = (over: Partial<Usage> = {}): Usage => ({
  sends: [],
  inFlight: 0,
  gapUntil: 0,
  cooldownUntil: null,
  ...over,
});

describe('usageCounts', () => {
  it.each([
    { name: 'empty ledger', sends: [], want: [0, 0, 0] },
    { name: 'a send right now counts everywhere', sends: [T], want: [1, 1, 1] },
    { name: 'just inside the minute', sends: [T - MINUTE + 1], want: [1, 1, 1] },
    { name: 'exactly one minute old leaves the minute', sends: [T - MINUTE], want: [0, 1, 1] },
    { name: 'exactly one hour old leaves the hour', sends: [T - HOUR], want: [0, 0, 1] },
    { name: 'just inside the day', sends: [T - DAY + 1], want: [0, 0, 1] },
    { name: 'exactly 24 h old is gone', sends: [T - DAY], want: [0, 0, 0] },
    { name: 'older than a day is ignored', sends: [T - 3 * DAY, T - 2 * DAY], want: [0, 0, 0] },
    {
      name: 'a mix',
      sends: [T - 2 * DAY, T - 20 * HOUR, T - 30 * MINUTE, T - 59_000, T - 1000, T],
      want: [3, 4, 5],
    },
  ])('$name', ({ sends, want }) => {
    const c = usageCounts(sends, T);
    expect([c.lastMinute, c.lastHour, c.last24h]).toEqual(want);
  });
});

describe('headroom', () => {
  it.each([
    { name: 'fresh account', l: limits(), sends: [], want: { minute: 3, hour: 10, day: 20 } },
    { name: 'reserve comes off the day', l: limits({ reserve: 5 }), sends: [], want: { minute: 3, hour: 10, day: 15 } },
    {
      name: 'recent sends reduce each window',
      l: limits(),
      sends: [T - 2 * HOUR, T - 10 * MINUTE, T - 1000],
      want: { minute: 2, hour: 8, day: 17 },
    },
    {
      name: 'never negative when over the caps',
      l: limits({ perMinute: 1, perHour: 1, perDay: 2 }),
      sends: [T - 3000, T - 2000, T - 1000],
      want: { minute: 0, hour: 0, day: 0 },
    },
    {
      name: 'reserve larger than perDay',
      l: limits({ perDay: 10, reserve: 15 }),
      sends: [],
      want: { minute: 3, hour: 10, day: 0 },
    },
  ])('$name', ({ l, sends, want }) => {
    expect(headroom(l, sends, T)).toEqual(want);
  });
});

describe('nextSendAt', () => {
  const burst = (n: number, from: number, step: number) => Array.from({ length: n }, (_, i) => from + i * step);
  it.each([
    { name: 'idle account sends now', l: limits(), u: usage(), want: T },
    { name: 'waits out the gap', l: limits(), u: usage({ gapUntil: T + 4000 }), want: T + 4000 },
    { name: 'a gap already over does not delay', l: limits(), u: usage({ gapUntil: T - 4000 }), want: T },
    { name: 'waits out the cooldown', l: limits(), u: usage({ cooldownUntil: T + HOUR }), want: T + HOUR },
    { name: 'a past cooldown does not delay', l: limits(), u: usage({ cooldownUntil: T - 1 }), want: T },
    {
      name: 'the later of gap and cooldown',
      l: limits(),
      u: usage({ gapUntil: T + 9000, cooldownUntil: T + 5000 }),
      want: T + 9000,
    },
    { name: 'concurrency full: Infinity', l: limits(), u: usage({ inFlight: 2 }), want: Number.POSITIVE_INFINITY },
    { name: 'one slot left of two', l: limits(), u: usage({ inFlight: 1 }), want: T },
    {
      name: 'reserve eats the whole day: Infinity',
      l: limits({ perDay: 10, reserve: 10 }),
      u: usage(),
      want: Number.POSITIVE_INFINITY,
    },
    {
      name: 'minute full: the oldest of the minute must age out',
      l: limits(),
      u: usage({ sends: [T - 50_000, T - 20_000, T - 10_000] }),
      want: T - 50_000 + MINUTE,
    },
    {
      name: 'two below the minute cap sends now',
      l: limits(),
      u: usage({ sends: [T - 20_000, T - 10_000] }),
      want: T,
    },
    {
      name: 'hour full: waits for the send an hour back to leave',
      l: limits({ perMinute: 100 }),
      u: usage({ sends: burst(10, T - 50 * MINUTE, 5 * MINUTE) }),
      want: T - 50 * MINUTE + HOUR,
    },
    {
      name: 'day full: waits 24 h from the oldest send that must leave',
      l: limits({ perMinute: 100, perHour: 100, perDay: 5 }),
      u: usage({ sends: burst(5, T - 20 * HOUR, HOUR) }),
      want: T - 20 * HOUR + DAY,
    },
    {
      name: 'day cap counts the reserve',
      l: limits({ perMinute: 100, perHour: 100, perDay: 8, reserve: 3 }),
      u: usage({ sends: burst(5, T - 20 * HOUR, HOUR) }),
      want: T - 20 * HOUR + DAY,
    },
    {
      name: 'over the cap (e.g. caps lowered): waits until enough have left',
      l: limits({ perMinute: 100, perHour: 100, perDay: 3 }),
      u: usage({ sends: burst(5, T - 20 * HOUR, HOUR) }),
      want: T - 18 * HOUR + DAY,
    },
    {
      name: 'older entries in the list do not matter',
      l: limits(),
      u: usage({ sends: [T - 3 * DAY, T - 2 * DAY, T - 25 * HOUR] }),
      want: T,
    },
    {
      name: 'the latest of all constraints wins',
      l: limits({ perMinute: 1 }),
      u: usage({ sends: [T - 1000], gapUntil: T + 2000, cooldownUntil: T + 3000 }),
      want: T - 1000 + MINUTE,
    },
  ])('$name', ({ l, u, want }) => {
    expect(nextSendAt(l, u, T)).toBe(want);
  });

  it('one millisecond earlier than the answer is never allowed', () => {
    const l = limits();
    const u = usage({ sends: [T - 50_000, T - 20_000, T - 10_000] });
    const at = nextSendAt(l, u, T);
    expect(nextSendAt(l, u, at - 1)).toBe(at);
    expect(nextSendAt(l, u, at)).toBe(at);
  });
});

describe('pickGap', () => {
  it.each([
    { min: 3000, max: 8000, r: 0, want: 3000 },
    { min: 3000, max: 8000, r: 0.5, want: 5500 },
    { min: 3000, max: 8000, r: 0.999_999_9, want: 8000 },
    { min: 3000, max: 8000, r: 0.123_456, want: Math.round(3000 + 0.123_456 * 5000) },
    { min: 0, max: 0, r: 0.7, want: 0 },
    { min: 5000, max: 5000, r: 0.3, want: 5000 },
    { min: 8000, max: 3000, r: 0.5, want: 3000 },
    { min: 1000, max: 2000, r: 1.5, want: 2000 },
    { min: 1000, max: 2000, r: -1, want: 1000 },
  ])('gap $min..$max with random $r is $want', ({ min, max, r, want }) => {
    const g = pickGap(limits({ minGapMs: min, maxGapMs: max }), () => r);
    expect(g).toBe(want);
    expect(Number.isInteger(g)).toBe(true);
  });
});

/** Largest number of sends inside any half-open window [s, s + length) of the sorted list. */
function maxInWindow(sends: readonly number[], length: number): number {
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < sends.length; hi++) {
    while (sends[hi]! - sends[lo]! >= length) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

describe('nextSendAt never lets a sliding window exceed its cap (simulated)', () => {
  it.each([
    { seed: 1, l: limits({ perMinute: 5, perHour: 40, perDay: 200, reserve: 20, maxGapMs: 3000, maxConcurrent: 3 }) },
    { seed: 2, l: limits({ perMinute: 20, perHour: 100, perDay: 400, reserve: 0, minGapMs: 3000, maxGapMs: 8000 }) },
    { seed: 3, l: limits({ perMinute: 1, perHour: 30, perDay: 300, reserve: 0, maxConcurrent: 1 }) },
    { seed: 4, l: limits({ perMinute: 50, perHour: 50, perDay: 120, reserve: 30, maxConcurrent: 5 }) },
    { seed: 5, l: limits({ perMinute: 7, perHour: 7, perDay: 7, reserve: 0, maxConcurrent: 4 }) },
  ])('seed $seed', ({ seed, l }) => {
    const random = seeded(seed);
    const sends: number[] = [];
    let inFlight: number[] = [];
    let gapUntil = 0;
    let cooldownUntil: number | null = null;
    let now = T;
    let maxConcurrentSeen = 0;
    const target = 3000;
    let steps = 0;
    while (sends.length < target) {
      if (++steps > 1_000_000) throw new Error('simulation stalled');
      inFlight = inFlight.filter((end) => end > now);
      // The ledger hands over at least the last 24 h; sometimes more.
      const window = random() < 0.5 ? sends : sends.filter((s) => now - s < DAY);
      const u: Usage = { sends: window, inFlight: inFlight.length, gapUntil, cooldownUntil };
      const at = nextSendAt(l, u, now);
      expect(at).toBeGreaterThanOrEqual(now);
      if (at === now) {
        sends.push(now);
        inFlight.push(now + Math.floor(random() * 20_000));
        maxConcurrentSeen = Math.max(maxConcurrentSeen, inFlight.length);
        gapUntil = now + pickGap(l, random);
        if (random() < 0.002) cooldownUntil = now + Math.floor(random() * 2 * HOUR);
        // The scheduler may come back late, or right away for another slot.
        if (random() < 0.3) now += Math.floor(random() * 30_000);
        continue;
      }
      if (Number.isFinite(at)) {
        // Exact: the millisecond before the answer is not allowed, the answer is.
        expect(nextSendAt(l, u, at - 1)).toBe(at);
        expect(nextSendAt(l, { ...u, sends: window }, at)).toBe(at);
      }
      const nextDone = inFlight.length ? Math.min(...inFlight) : Number.POSITIVE_INFINITY;
      const wake = Math.min(at, nextDone);
      expect(Number.isFinite(wake)).toBe(true);
      now = Math.max(now + 1, wake) + (random() < 0.1 ? Math.floor(random() * 5000) : 0);
    }
    expect(maxInWindow(sends, MINUTE)).toBeLessThanOrEqual(l.perMinute);
    expect(maxInWindow(sends, HOUR)).toBeLessThanOrEqual(l.perHour);
    expect(maxInWindow(sends, DAY)).toBeLessThanOrEqual(l.perDay - l.reserve);
    expect(maxConcurrentSeen).toBeLessThanOrEqual(l.maxConcurrent);
    // The caps are reached, not just respected: the busiest window is full.
    expect(maxInWindow(sends, DAY)).toBe(l.perDay - l.reserve);
  });

  it('the checker itself catches a violation', () => {
    expect(maxInWindow([0, 10, MINUTE - 1, MINUTE], MINUTE)).toBe(3);
    expect(maxInWindow([0, MINUTE, 2 * MINUTE], MINUTE)).toBe(1);
  });
});
