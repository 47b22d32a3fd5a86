// A virtual clock for tests and the caps bench: time moves only when told, and due timers fire
// in time order. Production code has only systemClock.
import type { Clock } from '../../main/engine/clock';

/** A clock that moves only when told. `advance` fires due timers in time order. */
export class ManualClock implements Clock {
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private seq = 0;
  constructor(private t = Date.UTC(2026, 0, 5, 9, 0, 0)) {}
  now() {
    return this.t;
  }
  setTimer(fn: () => void, ms: number) {
    const id = ++this.seq;
    this.timers.push({ at: this.t + Math.max(0, ms), fn, id });
    return () => {
      this.timers = this.timers.filter((x) => x.id !== id);
    };
  }
  /** Moves time forward, firing each due timer at its own moment. */
  advance(ms: number) {
    const end = this.t + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at || a.id - b.id);
      const next = this.timers[0];
      if (!next || next.at > end) break;
      this.timers.shift();
      this.t = Math.max(this.t, next.at);
      next.fn();
    }
    this.t = end;
  }
  nextTimerAt(): number | null {
    return this.timers.reduce<number | null>((m, x) => (m === null || x.at < m ? x.at : m), null);
  }
}
