import { describe, expect, it } from 'vitest';
import { QUOTA_COOLDOWN_MS, retryDelay, throttleCooldown } from '../../main/engine/policy/backoff';
import type { RetryPolicy } from '../../shared/domain';

const MIN = 60_000;
const policy: RetryPolicy = { maxAttempts: 5, baseDelayMs: 60_000, maxDelayMs: 30 * MIN };

describe('retryDelay', () => {
  it.each([
    // equal jitter: ceiling/2 + random * ceiling/2, ceiling = min(max, base * 2^(attempt-1))
    { attempt: 1, r: 0, want: 30_000 },
    { attempt: 1, r: 1, want: 60_000 },
    { attempt: 1, r: 0.5, want: 45_000 },
    { attempt: 2, r: 0, want: 60_000 },
    { attempt: 2, r: 1, want: 120_000 },
    { attempt: 3, r: 0.25, want: 150_000 },
    { attempt: 4, r: 0, want: 240_000 },
    { attempt: 5, r: 1, want: 960_000 },
    { attempt: 6, r: 1, want: 30 * MIN },
    { attempt: 6, r: 0, want: 15 * MIN },
    { attempt: 50, r: 0.5, want: 22.5 * MIN },
    { attempt: 5000, r: 1, want: 30 * MIN },
    { attempt: 0, r: 0, want: 30_000 },
    { attempt: -3, r: 1, want: 60_000 },
    { attempt: 2.7, r: 0, want: 60_000 },
    { attempt: 1, r: 0.333_333, want: 40_000 },
  ])('attempt $attempt, random $r → $want ms', ({ attempt, r, want }) => {
    expect(retryDelay(attempt, policy, () => r)).toBe(want);
  });

  it.each([
    { name: 'Retry-After longer than the backoff wins', retryAfter: 10 * MIN, r: 0, want: 10 * MIN },
    { name: 'Retry-After shorter than the backoff is ignored', retryAfter: 1000, r: 0, want: 30_000 },
    { name: 'null Retry-After', retryAfter: null, r: 1, want: 60_000 },
    { name: 'undefined Retry-After', retryAfter: undefined, r: 1, want: 60_000 },
    { name: 'Retry-After beyond maxDelay still wins', retryAfter: 2 * 60 * MIN, r: 1, want: 2 * 60 * MIN },
    { name: 'fractional Retry-After rounds up', retryAfter: 90_000.2, r: 0, want: 90_001 },
  ])('$name', ({ retryAfter, r, want }) => {
    expect(retryDelay(1, policy, () => r, retryAfter)).toBe(want);
  });

  it('stays within [ceiling/2, ceiling] for many random draws and is an integer', () => {
    for (let attempt = 1; attempt <= 10; attempt++) {
      const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      for (let i = 0; i <= 100; i++) {
        const d = retryDelay(attempt, policy, () => i / 100);
        expect(d).toBeGreaterThanOrEqual(ceiling / 2);
        expect(d).toBeLessThanOrEqual(ceiling);
        expect(Number.isInteger(d)).toBe(true);
      }
    }
  });

  it('never grows when maxDelay is below baseDelay', () => {
    const p: RetryPolicy = { maxAttempts: 3, baseDelayMs: 10 * MIN, maxDelayMs: 2 * MIN };
    expect(retryDelay(1, p, () => 1)).toBe(2 * MIN);
    expect(retryDelay(4, p, () => 1)).toBe(2 * MIN);
  });
});

describe('throttleCooldown', () => {
  it.each([
    { strikes: 0, want: 1 * MIN },
    { strikes: 1, want: 2 * MIN },
    { strikes: 2, want: 4 * MIN },
    { strikes: 3, want: 8 * MIN },
    { strikes: 4, want: 16 * MIN },
    { strikes: 5, want: 32 * MIN },
    { strikes: 6, want: 60 * MIN },
    { strikes: 7, want: 60 * MIN },
    { strikes: 100, want: 60 * MIN },
    { strikes: 10_000, want: 60 * MIN },
    { strikes: -1, want: 1 * MIN },
    { strikes: Number.NaN, want: 1 * MIN },
    { strikes: Number.POSITIVE_INFINITY, want: 60 * MIN },
  ])('strike $strikes → $want ms', ({ strikes, want }) => {
    expect(throttleCooldown(strikes)).toBe(want);
  });

  it('quota cooldown is a day', () => {
    expect(QUOTA_COOLDOWN_MS).toBe(24 * 60 * MIN);
  });
});
