// Conversions between the form's strings and the engine's numbers, kept pure for tests.
import type { SendWindow } from '../../../../shared/domain';

const pad = (n: number) => String(n).padStart(2, '0');

/** epoch ms → the value of an <input type="datetime-local"> in this computer's zone. */
export function toLocalInput(ms: number | null): string {
  if (ms === null) return '';
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function fromLocalInput(value: string): number | null {
  if (!value) return null;
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? null : ms;
}

/** minutes after midnight → "HH:MM" (1440 → "24:00" is shown as "23:59" for the time input). */
export function minuteToTime(m: number): string {
  const clamped = Math.min(m, 1439);
  return `${pad(Math.floor(clamped / 60))}:${pad(clamped % 60)}`;
}

export function timeToMinute(value: string, isEnd = false): number {
  const [h, m] = value.split(':').map(Number);
  const minute = (h ?? 0) * 60 + (m ?? 0);
  // An end of 23:59 means "until midnight".
  return isEnd && minute === 1439 ? 1440 : minute;
}

export const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;

export function defaultWindow(timeZone: string): SendWindow {
  return { timeZone, days: [1, 2, 3, 4, 5], startMinute: 9 * 60, endMinute: 17 * 60 };
}

export function windowProblem(w: SendWindow): string | null {
  if (w.days.length === 0) return 'Pick at least one day.';
  if (w.startMinute >= w.endMinute) return 'The window must end after it starts.';
  return null;
}
