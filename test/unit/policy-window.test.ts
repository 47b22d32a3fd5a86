import { describe, expect, it } from 'vitest';
import { AppError } from '../../main/engine/errors';
import { isValidTimeZone, openIntervals, windowState } from '../../main/engine/policy/window';
import type { SendWindow } from '../../shared/domain';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const utc = (y: number, mo: number, d: number, h = 0, mi = 0) => Date.UTC(y, mo - 1, d, h, mi);
const win = (timeZone: string, days: number[], start: string, end: string): SendWindow => {
  const m = (s: string) => {
    const [h, mi] = s.split(':').map(Number) as [number, number];
    return h * 60 + mi;
  };
  return { timeZone, days, startMinute: m(start), endMinute: m(end) };
};
const WEEKDAYS = [1, 2, 3, 4, 5];
const ALL = [0, 1, 2, 3, 4, 5, 6];
const berlinOffice = win('Europe/Berlin', WEEKDAYS, '09:00', '17:30');

type State = ReturnType<typeof windowState>;
const open = (closesAt: number): State => ({ open: true, closesAt });
const shut = (opensAt: number): State => ({ open: false, opensAt });

describe('windowState', () => {
  it.each<[string, SendWindow, number, State]>([
    // 2026-01-05 is a Monday; Berlin is UTC+1 in winter.
    ['Monday mid-morning is open', berlinOffice, utc(2026, 1, 5, 9), open(utc(2026, 1, 5, 16, 30))],
    ['Monday before nine', berlinOffice, utc(2026, 1, 5, 7), shut(utc(2026, 1, 5, 8))],
    ['exactly at the start is open', berlinOffice, utc(2026, 1, 5, 8), open(utc(2026, 1, 5, 16, 30))],
    ['one ms before the start', berlinOffice, utc(2026, 1, 5, 8) - 1, shut(utc(2026, 1, 5, 8))],
    ['exactly at the end is closed', berlinOffice, utc(2026, 1, 5, 16, 30), shut(utc(2026, 1, 6, 8))],
    ['one ms before the end is open', berlinOffice, utc(2026, 1, 5, 16, 30) - 1, open(utc(2026, 1, 5, 16, 30))],
    ['Friday evening waits for Monday', berlinOffice, utc(2026, 1, 9, 18), shut(utc(2026, 1, 12, 8))],
    ['Saturday waits for Monday', berlinOffice, utc(2026, 1, 10, 12), shut(utc(2026, 1, 12, 8))],
    ['Sunday 23:30 local waits for Monday 9:00', berlinOffice, utc(2026, 1, 11, 22, 30), shut(utc(2026, 1, 12, 8))],
    // Local day, not UTC day: Monday 00:30 in Tokyo is still Sunday in UTC.
    [
      'Tokyo Monday early morning, Sunday in UTC',
      win('Asia/Tokyo', [1], '00:00', '06:00'),
      utc(2026, 1, 4, 15, 30),
      open(utc(2026, 1, 4, 21)),
    ],
    [
      'Tokyo late window to midnight',
      win('Asia/Tokyo', WEEKDAYS, '22:00', '24:00'),
      utc(2026, 1, 5, 14),
      open(utc(2026, 1, 5, 15)),
    ],
    [
      'Kolkata half-hour offset',
      win('Asia/Kolkata', ALL, '09:00', '10:00'),
      utc(2026, 1, 5, 3),
      shut(utc(2026, 1, 5, 3, 30)),
    ],
    [
      'New York winter, before nine',
      win('America/New_York', WEEKDAYS, '09:00', '17:00'),
      utc(2026, 1, 5, 13),
      shut(utc(2026, 1, 5, 14)),
    ],
    [
      'New York winter, open',
      win('America/New_York', WEEKDAYS, '09:00', '17:00'),
      utc(2026, 1, 5, 15),
      open(utc(2026, 1, 5, 22)),
    ],
    ['UTC zone', win('UTC', [2], '10:00', '11:00'), utc(2026, 1, 5, 12), shut(utc(2026, 1, 6, 10))],
    ['one day a week, a week away', win('UTC', [1], '10:00', '11:00'), utc(2026, 1, 5, 11), shut(utc(2026, 1, 12, 10))],
    [
      'always open never closes',
      win('Europe/Berlin', ALL, '00:00', '24:00'),
      utc(2026, 1, 5, 9),
      open(Number.POSITIVE_INFINITY),
    ],
    [
      'all day on chosen days closes at local midnight',
      win('Europe/Berlin', [1], '00:00', '24:00'),
      utc(2026, 1, 5, 9),
      open(utc(2026, 1, 5, 23)),
    ],
    [
      'no days never opens',
      win('Europe/Berlin', [], '09:00', '17:00'),
      utc(2026, 1, 5, 9),
      shut(Number.POSITIVE_INFINITY),
    ],

    // DST in Berlin: 2026-03-29 02:00 CET → 03:00 CEST; 2026-10-25 03:00 CEST → 02:00 CET.
    [
      'Sunday of spring forward opens at 9:00 CEST',
      win('Europe/Berlin', ALL, '09:00', '17:00'),
      utc(2026, 3, 29, 0),
      shut(utc(2026, 3, 29, 7)),
    ],
    [
      'the day before still CET',
      win('Europe/Berlin', ALL, '09:00', '17:00'),
      utc(2026, 3, 28, 0),
      shut(utc(2026, 3, 28, 8)),
    ],
    [
      'closing time after spring forward',
      win('Europe/Berlin', ALL, '09:00', '17:00'),
      utc(2026, 3, 29, 10),
      open(utc(2026, 3, 29, 15)),
    ],
    // 02:30 never happens that night: the window opens as the clock jumps to 03:00.
    [
      'a start inside the skipped hour opens at the jump',
      win('Europe/Berlin', ALL, '02:30', '04:00'),
      utc(2026, 3, 28, 23, 30),
      shut(utc(2026, 3, 29, 1)),
    ],
    [
      'an end inside the skipped hour closes at the jump',
      win('Europe/Berlin', ALL, '01:00', '02:30'),
      utc(2026, 3, 29, 0, 30),
      open(utc(2026, 3, 29, 1)),
    ],
    [
      'Sunday of fall back opens at 9:00 CET',
      win('Europe/Berlin', ALL, '09:00', '17:00'),
      utc(2026, 10, 25, 0),
      shut(utc(2026, 10, 25, 8)),
    ],
    // 02:15–02:45 happens twice that night: first in CEST (00:15 UTC), then in CET (01:15 UTC).
    [
      'repeated hour: first pass opens',
      win('Europe/Berlin', ALL, '02:15', '02:45'),
      utc(2026, 10, 25, 0),
      shut(utc(2026, 10, 25, 0, 15)),
    ],
    [
      'repeated hour: first pass closes',
      win('Europe/Berlin', ALL, '02:15', '02:45'),
      utc(2026, 10, 25, 0, 20),
      open(utc(2026, 10, 25, 0, 45)),
    ],
    [
      'repeated hour: second pass opens',
      win('Europe/Berlin', ALL, '02:15', '02:45'),
      utc(2026, 10, 25, 0, 50),
      shut(utc(2026, 10, 25, 1, 15)),
    ],
    [
      'repeated hour: second pass closes',
      win('Europe/Berlin', ALL, '02:15', '02:45'),
      utc(2026, 10, 25, 1, 20),
      open(utc(2026, 10, 25, 1, 45)),
    ],
    // New York: Sunday 2026-03-08 has 23 hours.
    [
      'a whole Sunday with 23 hours',
      win('America/New_York', [0], '00:00', '24:00'),
      utc(2026, 3, 7, 12),
      shut(utc(2026, 3, 8, 5)),
    ],
    [
      'it closes at local midnight in EDT',
      win('America/New_York', [0], '00:00', '24:00'),
      utc(2026, 3, 8, 12),
      open(utc(2026, 3, 9, 4)),
    ],
    // Southern hemisphere: Sydney leaves DST on 2026-04-05 (03:00 AEDT → 02:00 AEST).
    [
      'Sydney after DST ends',
      win('Australia/Sydney', ALL, '09:00', '17:00'),
      utc(2026, 4, 5, 0),
      open(utc(2026, 4, 5, 7)),
    ],
    [
      'Sydney the day before, still in DST',
      win('Australia/Sydney', ALL, '09:00', '17:00'),
      utc(2026, 4, 4, 0),
      open(utc(2026, 4, 4, 6)),
    ],
    // Lord Howe shifts by 30 minutes.
    [
      'Lord Howe half-hour DST',
      win('Australia/Lord_Howe', ALL, '09:00', '17:00'),
      utc(2026, 4, 4, 12),
      shut(utc(2026, 4, 4, 22, 30)),
    ],
  ])('%s', (_name, w, now, want) => {
    expect(windowState(w, now)).toEqual(want);
  });

  it.each<[string, SendWindow, string]>([
    ['unknown zone', win('Mars/Olympus_Mons', ALL, '09:00', '17:00'), 'not a known time zone'],
    ['empty zone', win('', ALL, '09:00', '17:00'), 'not a known time zone'],
    ['start after end', win('UTC', ALL, '17:00', '09:00'), 'end after it starts'],
    ['empty window', win('UTC', ALL, '09:00', '09:00'), 'end after it starts'],
    ['end past midnight', { timeZone: 'UTC', days: ALL, startMinute: 0, endMinute: 1441 }, 'between 00:00 and 24:00'],
    ['negative start', { timeZone: 'UTC', days: ALL, startMinute: -5, endMinute: 60 }, 'between 00:00 and 24:00'],
    ['fractional minute', { timeZone: 'UTC', days: ALL, startMinute: 1.5, endMinute: 60 }, 'between 00:00 and 24:00'],
  ])('refuses %s', (_name, w, text) => {
    let caught: unknown;
    try {
      windowState(w, utc(2026, 1, 5));
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(AppError);
    expect((caught as AppError).code).toBe('invalid_input');
    expect((caught as AppError).message).toContain(text);
  });
});

/** An independent reading of the wall clock, minute by minute, to check the answers against. */
const bruteFormats = new Map<string, Intl.DateTimeFormat>();
function bruteOpen(w: SendWindow, t: number): boolean {
  let f = bruteFormats.get(w.timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone: w.timeZone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    bruteFormats.set(w.timeZone, f);
  }
  const parts = f.formatToParts(t);
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(get('weekday'));
  const minute = Number(get('hour')) * 60 + Number(get('minute'));
  return w.days.includes(day) && minute >= w.startMinute && minute < w.endMinute;
}

function bruteState(w: SendWindow, now: number): State {
  const state = bruteOpen(w, now);
  // Every edge in these zones falls on a whole UTC minute.
  for (let t = Math.floor(now / MIN) * MIN + MIN; t <= now + 8 * DAY; t += MIN) {
    if (bruteOpen(w, t) !== state) return state ? open(t) : shut(t);
  }
  return state ? open(Number.POSITIVE_INFINITY) : shut(Number.POSITIVE_INFINITY);
}

describe('windowState agrees with a minute-by-minute reading of the clock', () => {
  it.each<[SendWindow, number]>([
    [win('Europe/Berlin', [0, 6], '01:30', '03:30'), utc(2026, 3, 27, 12)],
    [win('Europe/Berlin', [0], '02:00', '02:59'), utc(2026, 10, 24, 20)],
    [win('America/New_York', [0, 1], '01:00', '02:30'), utc(2026, 11, 1, 3)],
    [win('America/Sao_Paulo', [2, 4], '08:15', '12:45'), utc(2026, 2, 1, 0)],
    [win('Australia/Lord_Howe', ALL, '01:40', '02:10'), utc(2026, 4, 4, 13)],
    [win('Pacific/Chatham', [3], '23:00', '24:00'), utc(2026, 4, 1, 0)],
    [win('Asia/Kathmandu', [5, 6], '00:00', '00:01'), utc(2026, 1, 7, 0)],
    [win('Europe/London', WEEKDAYS, '09:00', '17:30'), utc(2026, 3, 28, 18, 17)],
  ])('%j from %d', (w, now) => {
    // Walk from open to closed and back a few times, checking each answer.
    let t = now;
    for (let i = 0; i < 4; i++) {
      const got = windowState(w, t);
      expect(got).toEqual(bruteState(w, t));
      const next = got.open ? got.closesAt : got.opensAt;
      if (!Number.isFinite(next)) break;
      t = next + 7 * MIN;
    }
  });
});

describe('openIntervals', () => {
  it('lists the open stretches of a week', () => {
    const from = utc(2026, 1, 5, 0); // Monday 01:00 Berlin
    const spans = openIntervals(berlinOffice, from, from + 7 * DAY);
    expect(spans).toHaveLength(5);
    expect(spans[0]).toEqual({ start: utc(2026, 1, 5, 8), end: utc(2026, 1, 5, 16, 30) });
    expect(spans.reduce((s, x) => s + x.end - x.start, 0)).toBe(5 * 8.5 * HOUR);
  });

  it('clips to the range when open at either end', () => {
    const from = utc(2026, 1, 5, 10);
    const to = utc(2026, 1, 6, 9);
    expect(openIntervals(berlinOffice, from, to)).toEqual([
      { start: from, end: utc(2026, 1, 5, 16, 30) },
      { start: utc(2026, 1, 6, 8), end: to },
    ]);
  });

  it('is empty for an empty range', () => {
    expect(openIntervals(berlinOffice, utc(2026, 1, 5, 10), utc(2026, 1, 5, 10))).toEqual([]);
  });
});

describe('isValidTimeZone', () => {
  it.each<[string, boolean]>([
    ['Europe/Berlin', true],
    ['America/New_York', true],
    ['Asia/Kolkata', true],
    ['Australia/Lord_Howe', true],
    ['UTC', true],
    ['Etc/GMT+5', true],
    ['Mars/Olympus_Mons', false],
    ['', false],
    ['   ', false],
    ['Europe/Berlin; DROP TABLE', false],
    ['Not a zone', false],
  ])('%j → %s', (tz, want) => {
    expect(isValidTimeZone(tz)).toBe(want);
  });
});
