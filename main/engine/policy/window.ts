// Send windows ("weekdays 9:00–17:30 in Europe/Berlin") evaluated with Intl alone.
//
// The window is open at an instant when the local wall clock there shows a listed weekday and a minute
// in [startMinute, endMinute). That predicate can only flip where the wall clock crosses a window edge or
// where the zone's offset changes (DST), so the next change is found by checking those instants in order.
import type { SendWindow } from '../../../shared/domain';
import { AppError } from '../errors';
import { DAY, HOUR, MINUTE } from './throttle';

const formatters = new Map<string, Intl.DateTimeFormat>();

function makeFormatter(timeZone: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
}

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      f = makeFormatter(timeZone);
    } catch {
      throw new AppError(
        'invalid_input',
        `"${timeZone}" is not a known time zone. Pick one from the list, e.g. "Europe/Berlin" or "America/New_York".`,
      );
    }
    formatters.set(timeZone, f);
  }
  return f;
}

export function isValidTimeZone(tz: string): boolean {
  if (typeof tz !== 'string' || tz.trim() === '') return false;
  try {
    formatterFor(tz);
    return true;
  } catch {
    return false;
  }
}

const FORMATTED = /^(\d+)\/(\d+)\/(\d+),? (\d+):(\d+):(\d+)$/;

/** The local wall clock at instant t, expressed as if it were a UTC epoch value. */
function wallClock(f: Intl.DateTimeFormat, t: number): number {
  const m = FORMATTED.exec(f.format(t));
  if (!m) throw new AppError('internal', 'The time zone data gave a date in an unexpected form.');
  const [, mo, d, y, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const ms = ((t % 1000) + 1000) % 1000;
  return Date.UTC(y, mo - 1, d, h, mi, s) + ms;
}

const offsetAt = (f: Intl.DateTimeFormat, t: number) => wallClock(f, t) - t;

function isOpenAtWall(w: SendWindow, wall: number): boolean {
  const dayNumber = Math.floor(wall / DAY);
  // 1970-01-01 was a Thursday (4).
  const weekday = (((dayNumber + 4) % 7) + 7) % 7;
  const minute = Math.floor((wall - dayNumber * DAY) / MINUTE);
  return w.days.includes(weekday) && minute >= w.startMinute && minute < w.endMinute;
}

function checkWindow(w: SendWindow): void {
  const whole = (n: number) => Number.isInteger(n);
  if (!whole(w.startMinute) || !whole(w.endMinute) || w.startMinute < 0 || w.endMinute > 1440) {
    throw new AppError('invalid_input', 'A send window runs between 00:00 and 24:00 in whole minutes.');
  }
  if (w.startMinute >= w.endMinute) {
    throw new AppError('invalid_input', 'The send window must end after it starts on the same day.');
  }
}

// Zones change offset at most a few times a year and never twice within this step.
const OFFSET_SAMPLE_MS = 12 * HOUR;

/**
 * The zone's UTC offset over [from - DAY, to + DAY] as a step function, read from Intl at a few samples
 * and at each change (found to the second by bisection). Formatting is the slow part; this keeps it to a
 * few dozen calls per scan.
 */
class OffsetTable {
  /** starts[i] is the instant from which offsets[i] applies. */
  private starts: number[] = [];
  private offsets: number[] = [];

  constructor(f: Intl.DateTimeFormat, from: number, to: number) {
    let prevT = from - DAY;
    let prevO = offsetAt(f, prevT);
    this.starts.push(Number.NEGATIVE_INFINITY);
    this.offsets.push(prevO);
    for (let t = prevT + OFFSET_SAMPLE_MS; prevT < to + DAY; t += OFFSET_SAMPLE_MS) {
      const o = offsetAt(f, t);
      if (o !== prevO) {
        // Offsets change on whole seconds, so bisect over seconds.
        let lo = Math.floor(prevT / 1000);
        let hi = Math.ceil(t / 1000);
        while (hi - lo > 1) {
          const mid = Math.floor((lo + hi) / 2);
          if (offsetAt(f, mid * 1000) === prevO) lo = mid;
          else hi = mid;
        }
        this.starts.push(hi * 1000);
        this.offsets.push(o);
      }
      prevT = t;
      prevO = o;
    }
  }

  /** Instants where the offset changes. */
  changes(): number[] {
    return this.starts.slice(1);
  }

  distinct(): number[] {
    return [...new Set(this.offsets)];
  }

  at(t: number): number {
    let i = this.starts.length - 1;
    while (t < this.starts[i]!) i--;
    return this.offsets[i]!;
  }
}

/** Whether the window is open at `from`, and every instant in (from, to] where that flips. */
function scan(w: SendWindow, from: number, to: number): { open: boolean; changes: number[] } {
  checkWindow(w);
  const f = formatterFor(w.timeZone);
  const table = new OffsetTable(f, from, to);
  const openAt = (t: number) => isOpenAtWall(w, t + table.at(t));
  const open = openAt(from);
  if (w.days.length === 0) return { open, changes: [] };

  const offsets = table.distinct();
  const candidates = new Set<number>(table.changes());
  const lo = Math.min(...offsets);
  const hi = Math.max(...offsets);
  // Every instant whose wall clock shows a window edge; a skipped wall time has none, but then the
  // offset change itself is a candidate.
  for (let day = Math.floor((from + lo) / DAY) - 1; day <= Math.floor((to + hi) / DAY) + 1; day++) {
    for (const minute of [w.startMinute, w.endMinute]) {
      const wall = day * DAY + minute * MINUTE;
      for (const o of offsets) {
        const t = wall - o;
        if (t > from && t <= to && table.at(t) === o) candidates.add(t);
      }
    }
  }

  const changes: number[] = [];
  let state = open;
  for (const t of [...candidates].filter((c) => c > from && c <= to).sort((a, b) => a - b)) {
    const next = openAt(t);
    if (next !== state) {
      changes.push(t);
      state = next;
    }
  }
  return { open, changes };
}

const HORIZON_MS = 8 * DAY;

/**
 * Whether `now` is inside the window, and if not, the epoch ms when it next opens (within the next
 * 8 days). Handles DST changes. A time that never comes within the horizon (no days listed, or a window
 * that never closes) is Infinity.
 */
export function windowState(
  w: SendWindow,
  now: number,
): { open: true; closesAt: number } | { open: false; opensAt: number } {
  const { open, changes } = scan(w, now, now + HORIZON_MS);
  const at = changes[0] ?? Number.POSITIVE_INFINITY;
  return open ? { open: true, closesAt: at } : { open: false, opensAt: at };
}

/** The stretches of [from, to) during which the window is open, in order. */
export function openIntervals(w: SendWindow, from: number, to: number): { start: number; end: number }[] {
  if (!(to > from)) return [];
  const { open, changes } = scan(w, from, to);
  const out: { start: number; end: number }[] = [];
  let start = open ? from : null;
  for (const t of changes) {
    if (start === null) start = t;
    else {
      if (t > start) out.push({ start, end: t });
      start = null;
    }
  }
  if (start !== null && to > start) out.push({ start, end: to });
  return out;
}
