// Which account of a campaign's pool sends next, among those that may send right now.
import type { RotationPolicy } from '../../../shared/domain';

export interface Candidate {
  accountId: number;
  /** sends left today (headroom.day) */
  dayLeft: number;
  hourLeft: number;
  /** the pool order */
  position: number;
}

export interface RotationState {
  lastAccountId: number | null;
  /**
   * Pool position of lastAccountId. Needed when that account is not a candidate (e.g. it is waiting out
   * its gap), so that "the next one after it" stays defined; without it the pool starts over.
   */
  lastPosition?: number | null;
}

const byPoolOrder = (a: Candidate, b: Candidate) => a.position - b.position || a.accountId - b.accountId;

/** Candidates in pool order, starting with the first one after the last sender and wrapping. */
function cyclicOrder(candidates: readonly Candidate[], state: RotationState): Candidate[] {
  const sorted = [...candidates].sort(byPoolOrder);
  const last =
    state.lastAccountId === null
      ? null
      : (sorted.find((c) => c.accountId === state.lastAccountId)?.position ?? state.lastPosition ?? null);
  if (last === null) return sorted;
  const after = sorted.findIndex((c) => c.position > last);
  return after <= 0 ? sorted : [...sorted.slice(after), ...sorted.slice(0, after)];
}

/**
 * Picks from accounts that can send right now. most_headroom: most dayLeft (ties: most hourLeft, then the
 * one after lastAccountId in pool order); round_robin: next after lastAccountId in pool order (wraps);
 * fill_first: lowest position. null if candidates is empty.
 */
export function pickAccount(
  policy: RotationPolicy,
  candidates: readonly Candidate[],
  state: RotationState,
): number | null {
  if (candidates.length === 0) return null;
  switch (policy) {
    case 'fill_first':
      return [...candidates].sort(byPoolOrder)[0]!.accountId;
    case 'round_robin':
      return cyclicOrder(candidates, state)[0]!.accountId;
    case 'most_headroom': {
      // The cyclic order is the final tie-break, so equal accounts take turns.
      let best: Candidate | null = null;
      for (const c of cyclicOrder(candidates, state)) {
        if (!best || c.dayLeft > best.dayLeft || (c.dayLeft === best.dayLeft && c.hourLeft > best.hourLeft)) best = c;
      }
      return best!.accountId;
    }
  }
}
