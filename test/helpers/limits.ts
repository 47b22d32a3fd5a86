import type { Limits } from '../../shared/domain';

/** Account limits for tests: generous unless a test narrows them. */
export function limits(p: Partial<Limits> = {}): Limits {
  return {
    perMinute: 600,
    perHour: 36_000,
    perDay: 100_000,
    reserve: 0,
    minGapMs: 0,
    maxGapMs: 0,
    maxConcurrent: 4,
    ...p,
  };
}
