import { describe, expect, it } from 'vitest';
import { type AccountFacts, accountState } from '../../main/engine/policy/account-state';
import type { AccountStateCode } from '../../shared/domain';
import { limits } from '../helpers/limits';

const NOW = Date.UTC(2026, 0, 5, 12, 0, 0);
const MIN = 60_000;
const H = 3_600_000;

const facts = (over: Partial<AccountFacts> = {}): AccountFacts => ({
  status: 'active',
  removedAt: null,
  cooldownUntil: null,
  cooldownCause: null,
  limits: limits({ perMinute: 2, perHour: 5, perDay: 10, reserve: 0 }),
  sends: [],
  ...over,
});
const times = (n: number, from: number, step: number) => Array.from({ length: n }, (_, i) => from + i * step);

describe('accountState', () => {
  it.each<[string, Partial<AccountFacts>, AccountStateCode, number | null]>([
    ['ready when nothing binds', {}, 'ready', null],
    ['removed wins over everything', { removedAt: NOW - H, status: 'needs_reauth' }, 'removed', null],
    ['needs re-auth', { status: 'needs_reauth', cooldownUntil: NOW + H }, 'needs_reauth', null],
    ['paused', { status: 'paused' }, 'paused', null],
    [
      'throttled: cooling down until',
      { cooldownUntil: NOW + 5 * MIN, cooldownCause: 'throttle' },
      'cooling_down',
      NOW + 5 * MIN,
    ],
    ['quota: resting until', { cooldownUntil: NOW + 20 * H, cooldownCause: 'quota' }, 'resting_quota', NOW + 20 * H],
    ['a cooldown in the past is over', { cooldownUntil: NOW - 1, cooldownCause: 'quota' }, 'ready', null],
    // 10 sends an hour apart starting 23 h 30 min ago: the oldest leaves the 24 h window in 30 min.
    [
      'daily cap until the oldest send rolls off',
      { sends: times(10, NOW - 23.5 * H, 0.1 * H) },
      'daily_cap',
      NOW + 0.5 * H,
    ],
    ['hourly cap', { sends: times(5, NOW - 50 * MIN, 10 * MIN) }, 'hourly_cap', NOW + 10 * MIN],
    ['minute cap', { sends: [NOW - 30_000, NOW - 10_000] }, 'minute_cap', NOW + 30_000],
    [
      'a reserve lowers the daily cap',
      { limits: limits({ perMinute: 2, perHour: 50, perDay: 10, reserve: 8 }), sends: [NOW - 2 * H, NOW - H] },
      'daily_cap',
      NOW + 22 * H,
    ],
  ])('%s', (_t, over, code, until) => {
    const s = accountState(facts(over), NOW);
    expect(s).toMatchObject({ code, until });
    expect(s.reason.length).toBeGreaterThan(5);
  });
});
