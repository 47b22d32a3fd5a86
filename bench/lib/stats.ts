// Small statistics for the table: summaries of repeated runs and sliding-window cap checks.

export interface Spread {
  median: number;
  min: number;
  max: number;
  runs: number[];
}

export function spread(xs: number[]): Spread {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  return { median: Math.round(mid * 10) / 10, min: s[0]!, max: s[s.length - 1]!, runs: xs };
}

export interface WindowCheck {
  /** Messages in the busiest window starting at any send. */
  max: number;
  /** Windows (one starting at each send) holding more than `cap`. */
  over: number;
  windows: number;
}

/** Slides a `windowMs` window from each timestamp (sorted ascending) and counts against `cap`. */
export function slidingWindows(times: number[], windowMs: number, cap: number): WindowCheck {
  let max = 0;
  let over = 0;
  let j = 0;
  for (let i = 0; i < times.length; i++) {
    if (j < i) j = i;
    while (j + 1 < times.length && times[j + 1]! - times[i]! < windowMs) j++;
    const n = j - i + 1;
    max = Math.max(max, n);
    if (n > cap) over++;
  }
  return { max, over, windows: times.length };
}

/** Messages per second from first to last timestamp. */
export function achievedRate(times: number[]): number {
  if (times.length < 2) return 0;
  return Math.round(((times.length - 1) / (times[times.length - 1]! - times[0]!)) * 1000 * 10) / 10;
}
