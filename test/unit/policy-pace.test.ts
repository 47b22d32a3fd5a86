import { describe, expect, it } from 'vitest';
import {
  CEILING_MS,
  type Pace,
  paceAfterDelivery,
  paceAfterThrottle,
  paceGap,
  UNLEARNED,
} from '../../main/engine/policy/pace';
import { limits } from '../helpers/limits';

const NOW = Date.UTC(2026, 0, 5, 9, 0, 0);
const caps = limits({ perMinute: 120 });
const learned = (perMinute: number, over: Partial<Pace> = {}): Pace => ({
  perMinute,
  ceiling: 60,
  ceilingUntil: NOW + CEILING_MS,
  delivered: 0,
  ...over,
});

describe('pace after a throttle', () => {
  it.each<[string, Pace, number, Pace]>([
    ['first throttle: 90% of what the provider took', UNLEARNED, 60, learned(54)],
    ['a throttle after a trickle still leaves one a minute', UNLEARNED, 0, learned(1, { ceiling: 1 })],
    ['a second throttle never raises the pace', learned(40), 60, learned(36)],
    ['a second throttle below the pace follows the provider', learned(54), 30, learned(27, { ceiling: 54 })],
    ['a short sample after a cooldown halves the pace at most', learned(54), 3, learned(27, { ceiling: 54 })],
    ['a slow provider is followed down, halving each episode', learned(4), 1, learned(2, { ceiling: 4 })],
    ['one a minute stays one a minute', learned(1), 0, learned(1, { ceiling: 1 })],
  ])('%s', (_name, pace, accepted, want) => {
    expect(paceAfterThrottle(pace, accepted, NOW)).toEqual(want);
  });
});

describe('pace after a delivery', () => {
  it.each<[string, Pace, number, Pace]>([
    ['no pace learned: nothing changes', UNLEARNED, NOW, UNLEARNED],
    ['counts deliveries below a minute’s worth', learned(54, { delivered: 10 }), NOW, learned(54, { delivered: 11 })],
    ['a minute’s worth raises it by 5%', learned(54, { delivered: 53 }), NOW, learned(57)],
    ['never above 95% of a fresh ceiling', learned(57, { delivered: 56 }), NOW, learned(57)],
    [
      'a stale ceiling is forgotten and the pace climbs again',
      learned(57, { delivered: 56 }),
      NOW + CEILING_MS,
      { perMinute: 60, ceiling: null, ceilingUntil: 0, delivered: 0 },
    ],
    [
      'at the caps with no fresh ceiling the pace is dropped',
      learned(118, { ceiling: null, ceilingUntil: 0, delivered: 117 }),
      NOW,
      UNLEARNED,
    ],
    [
      'one a minute rises by at least one',
      learned(1, { ceiling: null, ceilingUntil: 0 }),
      NOW,
      learned(2, { ceiling: null, ceilingUntil: 0 }),
    ],
  ])('%s', (_name, pace, now, want) => {
    expect(paceAfterDelivery(pace, caps, now)).toEqual(want);
  });
});

describe('gap between claims', () => {
  it.each<[Pace, number]>([
    [UNLEARNED, 0],
    [learned(60), 1_000],
    [learned(54), 1_112],
    [learned(1), 60_000],
  ])('%o → %i ms', (pace, want) => {
    expect(paceGap(pace)).toBe(want);
  });
});
