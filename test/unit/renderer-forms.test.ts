// The pure rules behind the renderer's forms: import mapping, schedule fields, address lists, times.
import { describe, expect, it } from 'vitest';
import { accountStateText } from '../../renderer/src/features/accounts/account-badge-text';
import { commitInput, initialMapping, mappingProblem } from '../../renderer/src/features/recipients/column-mapping';
import {
  fromLocalInput,
  minuteToTime,
  timeToMinute,
  toLocalInput,
  windowProblem,
} from '../../renderer/src/features/senders/schedule';
import { addressBatches, splitAddresses } from '../../renderer/src/features/suppressions/split-addresses';
import { formatUntil } from '../../renderer/src/lib/format-until';
import { MAX_FRAME_BYTES } from '../../shared/bridge';

const COLUMNS = [
  { key: 'email', label: 'Email' },
  { key: 'first_name', label: 'First name' },
  { key: 'notes', label: 'Notes' },
];

describe('import mapping', () => {
  it('keeps every column and renames nothing by default', () => {
    const m = initialMapping(COLUMNS, 0);
    expect(mappingProblem(m)).toBeNull();
    expect(commitInput(m, COLUMNS)).toEqual({ emailColumn: 0, fieldColumns: [0, 1, 2] });
  });

  it('sends excluded columns as left out and renamed ones with their new name', () => {
    const m = initialMapping(COLUMNS, 0);
    m.columns[2] = { keep: false, label: 'Notes' };
    m.columns[1] = { keep: true, label: ' Given name ' };
    expect(commitInput(m, COLUMNS)).toEqual({
      emailColumn: 0,
      fieldColumns: [0, 1],
      renames: [{ column: 1, label: 'Given name' }],
    });
  });

  it('always keeps the address column, even when unticked', () => {
    const m = initialMapping(COLUMNS, 1);
    m.columns[1] = { keep: false, label: 'First name' };
    expect(commitInput(m, COLUMNS).fieldColumns).toContain(1);
  });

  it.each([
    ['no address column', null, 1, 'First name', /addresses/],
    ['an empty name on a kept column', 0, 1, '  ', /Column 2 needs a name/],
  ] as const)('refuses %s', (_t, email, col, label, message) => {
    const m = initialMapping(COLUMNS, email);
    m.columns[col] = { keep: true, label };
    expect(mappingProblem(m)).toMatch(message);
  });

  it('does not ask for a name on an excluded column', () => {
    const m = initialMapping(COLUMNS, 0);
    m.columns[2] = { keep: false, label: '' };
    expect(mappingProblem(m)).toBeNull();
  });
});

describe('schedule fields', () => {
  it('round-trips a local date and time', () => {
    const ms = new Date(2026, 11, 24, 9, 30).getTime();
    expect(toLocalInput(ms)).toBe('2026-12-24T09:30');
    expect(fromLocalInput('2026-12-24T09:30')).toBe(ms);
    expect(toLocalInput(null)).toBe('');
    expect(fromLocalInput('')).toBeNull();
  });

  it.each([
    [0, '00:00'],
    [540, '09:00'],
    [1439, '23:59'],
    [1440, '23:59'],
  ])('minute %i shows as %s', (m, t) => expect(minuteToTime(m)).toBe(t));

  it('reads 23:59 as the end of the day only for the end field', () => {
    expect(timeToMinute('23:59', true)).toBe(1440);
    expect(timeToMinute('23:59')).toBe(1439);
    expect(timeToMinute('17:30', true)).toBe(1050);
  });

  it.each([
    [{ timeZone: 'UTC', days: [], startMinute: 60, endMinute: 120 }, /day/],
    [{ timeZone: 'UTC', days: [1], startMinute: 600, endMinute: 540 }, /end after/],
    [{ timeZone: 'UTC', days: [1], startMinute: 540, endMinute: 600 }, null],
  ])('window %o', (w, problem) => {
    const got = windowProblem(w);
    if (problem === null) expect(got).toBeNull();
    else expect(got).toMatch(problem);
  });
});

describe('address lists', () => {
  it('splits on lines, commas, semicolons and spaces, once each', () => {
    expect(splitAddresses('a@x.org\nb@x.org, c@x.org;a@x.org  \n\n')).toEqual(['a@x.org', 'b@x.org', 'c@x.org']);
    expect(splitAddresses('   ')).toEqual([]);
  });
});

describe('times in badges', () => {
  const now = new Date(2026, 11, 1, 13, 0).getTime();
  it('says only the time today, "tomorrow" tomorrow, the date later', () => {
    expect(formatUntil(new Date(2026, 11, 1, 14, 5).getTime(), now)).toBe('14:05');
    expect(formatUntil(new Date(2026, 11, 2, 9, 12).getTime(), now)).toBe('tomorrow 09:12');
    expect(formatUntil(new Date(2026, 11, 5, 8, 0).getTime(), now)).toMatch(/5.*08:00$/);
  });

  it('words an account state with its end time, and without one when it has none or it passed', () => {
    const until = new Date(2026, 11, 1, 14, 5).getTime();
    expect(accountStateText({ code: 'cooling_down', until, reason: 'x' }, now)).toBe('Cooling down until 14:05');
    expect(
      accountStateText({ code: 'resting_quota', until: new Date(2026, 11, 2, 9, 12).getTime(), reason: 'x' }, now),
    ).toBe('Resting for quota until tomorrow 09:12');
    expect(accountStateText({ code: 'ready', until: null, reason: 'x' }, now)).toBe('Ready');
    expect(accountStateText({ code: 'cooling_down', until: now - 1, reason: 'x' }, now)).toBe('Cooling down');
  });
});

describe('addressBatches', () => {
  it('keeps a short list in one request', () => {
    expect(addressBatches(['a@x.org', 'b@x.org'])).toEqual([['a@x.org', 'b@x.org']]);
    expect(addressBatches([])).toEqual([]);
  });

  it('splits a long paste into requests the contract takes and one frame carries, in order', () => {
    const long = Array.from({ length: 60_000 }, (_, i) => `someone-${i}@a-rather-long-domain.example.org`);
    const batches = addressBatches(long);
    expect(batches.flat()).toEqual(long);
    for (const b of batches) {
      expect(b.length).toBeLessThanOrEqual(10_000);
      const bytes = new TextEncoder().encode(
        JSON.stringify({ id: 1, method: 'suppressions.add', input: { addresses: b, reason: 'manual' } }),
      ).length;
      expect(bytes).toBeLessThan(MAX_FRAME_BYTES);
    }
  });

  it('caps the count when addresses are short', () => {
    const short = Array.from({ length: 12_000 }, (_, i) => `${i}@x.io`);
    expect(addressBatches(short).map((b) => b.length)).toEqual([5_000, 5_000, 2_000]);
  });
});
