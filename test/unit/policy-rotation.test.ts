import { describe, expect, it } from 'vitest';
import { type Candidate, pickAccount, type RotationState } from '../../main/engine/policy/rotation';
import type { RotationPolicy } from '../../shared/domain';

const c = (accountId: number, position: number, dayLeft = 100, hourLeft = 10): Candidate => ({
  accountId,
  position,
  dayLeft,
  hourLeft,
});
const none: RotationState = { lastAccountId: null };
const last = (id: number, position?: number): RotationState => ({ lastAccountId: id, lastPosition: position ?? null });

// Pool order: 11 (0), 22 (1), 33 (2), 44 (3); given in a scrambled order on purpose.
const pool = [c(33, 2), c(11, 0), c(44, 3), c(22, 1)];

describe('pickAccount', () => {
  it.each<{ name: string; policy: RotationPolicy; candidates: Candidate[]; state: RotationState; want: number | null }>(
    [
      { name: 'no candidates', policy: 'round_robin', candidates: [], state: none, want: null },
      { name: 'no candidates (most_headroom)', policy: 'most_headroom', candidates: [], state: last(1), want: null },
      { name: 'no candidates (fill_first)', policy: 'fill_first', candidates: [], state: none, want: null },

      { name: 'round robin starts at the pool head', policy: 'round_robin', candidates: pool, state: none, want: 11 },
      { name: 'round robin takes the next one', policy: 'round_robin', candidates: pool, state: last(11), want: 22 },
      { name: 'round robin continues', policy: 'round_robin', candidates: pool, state: last(33), want: 44 },
      { name: 'round robin wraps', policy: 'round_robin', candidates: pool, state: last(44), want: 11 },
      {
        name: 'round robin skips accounts that cannot send, using the last position',
        policy: 'round_robin',
        candidates: [c(11, 0), c(44, 3)],
        state: last(22, 1),
        want: 44,
      },
      {
        name: 'round robin wraps past the end using the last position',
        policy: 'round_robin',
        candidates: [c(11, 0), c(22, 1)],
        state: last(44, 3),
        want: 11,
      },
      {
        name: 'the position of a present last account beats a stale lastPosition',
        policy: 'round_robin',
        candidates: pool,
        state: last(22, 3),
        want: 33,
      },
      {
        name: 'round robin without any position of the last account starts over',
        policy: 'round_robin',
        candidates: [c(33, 2), c(44, 3)],
        state: last(22),
        want: 33,
      },
      {
        name: 'round robin with one candidate',
        policy: 'round_robin',
        candidates: [c(22, 1)],
        state: last(22),
        want: 22,
      },

      {
        name: 'fill first takes the lowest position',
        policy: 'fill_first',
        candidates: pool,
        state: last(11),
        want: 11,
      },
      {
        name: 'fill first ignores headroom',
        policy: 'fill_first',
        candidates: [c(33, 2, 999), c(22, 1, 1)],
        state: none,
        want: 22,
      },

      {
        name: 'most headroom takes the most left today',
        policy: 'most_headroom',
        candidates: [c(11, 0, 50), c(22, 1, 300), c(33, 2, 120)],
        state: none,
        want: 22,
      },
      {
        name: 'most headroom: day ties go to the most left this hour',
        policy: 'most_headroom',
        candidates: [c(11, 0, 300, 5), c(22, 1, 300, 9), c(33, 2, 120, 50)],
        state: none,
        want: 22,
      },
      {
        name: 'most headroom: full ties go to the one after the last sender',
        policy: 'most_headroom',
        candidates: [c(11, 0, 300, 9), c(22, 1, 300, 9), c(33, 2, 300, 9)],
        state: last(22),
        want: 33,
      },
      {
        name: 'most headroom: full ties wrap around the pool',
        policy: 'most_headroom',
        candidates: [c(11, 0, 300, 9), c(22, 1, 300, 9), c(33, 2, 300, 9)],
        state: last(33),
        want: 11,
      },
      {
        name: 'most headroom: ties with no last sender go to the pool head',
        policy: 'most_headroom',
        candidates: [c(33, 2, 300, 9), c(22, 1, 300, 9)],
        state: none,
        want: 22,
      },
      {
        name: 'most headroom: ties after an absent last sender use its position',
        policy: 'most_headroom',
        candidates: [c(11, 0, 300, 9), c(33, 2, 300, 9)],
        state: last(22, 1),
        want: 33,
      },
      {
        name: 'most headroom: the last sender itself wins when it has clearly more',
        policy: 'most_headroom',
        candidates: [c(11, 0, 100, 9), c(22, 1, 300, 9)],
        state: last(22),
        want: 22,
      },
    ],
  )('$name', ({ policy, candidates, state, want }) => {
    expect(pickAccount(policy, candidates, state)).toBe(want);
  });

  it.each<RotationPolicy>(['round_robin', 'most_headroom'])(
    '%s spreads equal accounts evenly over many picks',
    (policy) => {
      const counts = new Map<number, number>();
      let state: RotationState = { lastAccountId: null };
      for (let i = 0; i < 400; i++) {
        const id = pickAccount(policy, pool, state)!;
        counts.set(id, (counts.get(id) ?? 0) + 1);
        state = { lastAccountId: id, lastPosition: pool.find((p) => p.accountId === id)!.position };
      }
      expect([...counts.values()]).toEqual([100, 100, 100, 100]);
    },
  );

  it('round robin reaches every account even when the last sender is never a candidate', () => {
    // After each send the account waits out its gap, so it is never among the next candidates.
    const seen: number[] = [];
    let state: RotationState = { lastAccountId: null };
    for (let i = 0; i < 8; i++) {
      const candidates = pool.filter((p) => p.accountId !== state.lastAccountId);
      const id = pickAccount('round_robin', candidates, state)!;
      seen.push(id);
      state = { lastAccountId: id, lastPosition: pool.find((p) => p.accountId === id)!.position };
    }
    expect(seen).toEqual([11, 22, 33, 44, 11, 22, 33, 44]);
  });

  it('does not reorder the caller’s array', () => {
    const given = [...pool];
    pickAccount('fill_first', given, none);
    pickAccount('round_robin', given, last(22));
    expect(given).toEqual(pool);
  });
});
