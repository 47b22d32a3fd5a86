/** Time and timers behind one seam, so tests can drive the sender with a virtual clock (test/helpers/manual-clock.ts). */
export interface Clock {
  now(): number;
  setTimer(fn: () => void, ms: number): () => void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(fn, ms) {
    // Node caps timers at 2^31-1 ms; the scheduler re-plans on wake anyway.
    const t = setTimeout(fn, Math.min(Math.max(0, ms), 2_147_483_647));
    t.unref?.();
    return () => clearTimeout(t);
  },
};
