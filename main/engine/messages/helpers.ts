// The template helpers a campaign may use. They are registered on the isolated Handlebars
// instance only, and every one of them renders something harmless for missing or odd input:
// a merge field from a spreadsheet may be empty, a number, or not a date at all.
import type { HelperOptions } from 'handlebars';

type HelperFn = (...args: unknown[]) => string;

/** The names templates may call, besides Handlebars' own if / unless / each / with / lookup. */
export const HELPER_NAMES = ['default', 'capitalize', 'upper', 'lower', 'date'] as const;
export type HelperName = (typeof HELPER_NAMES)[number];

/** What a helper renders from: strings as they are, numbers as digits, anything else as empty. */
function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint')
    return Number.isFinite(Number(value)) ? String(value) : '';
  return '';
}

/** Handlebars passes its options object last; the helper's own arguments come before it. */
function argsOf(raw: unknown[]): unknown[] {
  const last = raw[raw.length - 1] as HelperOptions | undefined;
  return last && typeof last === 'object' && 'hash' in last ? raw.slice(0, -1) : raw;
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/**
 * The date format tokens, longest first so "MMMM" wins over "MM":
 * YYYY 2026 · MMMM January · MMM Jan · MM 01 · M 1 · DD 05 · D 5 · HH 09 · mm 07.
 * Anything else in the format is copied as it is.
 */
const DATE_TOKENS = /YYYY|MMMM|MMM|MM|M|DD|D|HH|mm/g;
export const DEFAULT_DATE_FORMAT = 'YYYY-MM-DD';

interface DateParts {
  year: number;
  month: number; // 1–12
  day: number;
  hour: number;
  minute: number;
}

const pad = (n: number) => String(n).padStart(2, '0');

export function formatDateParts(p: DateParts, format: string): string {
  return format.replace(DATE_TOKENS, (token) => {
    switch (token) {
      case 'YYYY':
        return String(p.year).padStart(4, '0');
      case 'MMMM':
        return MONTHS[p.month - 1] ?? '';
      case 'MMM':
        return (MONTHS[p.month - 1] ?? '').slice(0, 3);
      case 'MM':
        return pad(p.month);
      case 'M':
        return String(p.month);
      case 'DD':
        return pad(p.day);
      case 'D':
        return String(p.day);
      case 'HH':
        return pad(p.hour);
      default:
        return pad(p.minute);
    }
  });
}

const localParts = (d: Date): DateParts => ({
  year: d.getFullYear(),
  month: d.getMonth() + 1,
  day: d.getDate(),
  hour: d.getHours(),
  minute: d.getMinutes(),
});

/**
 * Reads the dates spreadsheets export: ISO "2026-01-05" (a calendar day, never shifted by the
 * time zone), ISO date-times "2026-01-05T09:30:00Z" (shown in local time), and the literal
 * "now". Day-first and month-first forms such as 05/01/2026 are ambiguous, so they are not read.
 */
export function parseDateInput(value: string, now: () => Date): DateParts | null {
  const v = value.trim();
  if (v.toLowerCase() === 'now') return localParts(now());
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (day) {
    const [year, month, d] = [Number(day[1]), Number(day[2]), Number(day[3])];
    const check = new Date(Date.UTC(year, month - 1, d));
    if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== d) return null;
    return { year, month, day: d, hour: 0, minute: 0 };
  }
  if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(v)) {
    const t = Date.parse(v.replace(' ', 'T'));
    return Number.isNaN(t) ? null : localParts(new Date(t));
  }
  return null;
}

export function createHelpers(now: () => Date = () => new Date()): Record<HelperName, HelperFn> {
  return {
    /** `{{default nickname first_name "there"}}`: the first argument that is not blank. */
    default: (...raw) => {
      for (const a of argsOf(raw)) {
        const s = asText(a);
        if (s.trim() !== '') return s;
      }
      return '';
    },
    /** Upper-cases the first letter and leaves the rest alone ("mcDonald" → "McDonald"). */
    capitalize: (...raw) => {
      const s = asText(argsOf(raw)[0]);
      return s.charAt(0).toLocaleUpperCase() + s.slice(1);
    },
    upper: (...raw) => asText(argsOf(raw)[0]).toLocaleUpperCase(),
    lower: (...raw) => asText(argsOf(raw)[0]).toLocaleLowerCase(),
    /**
     * `{{date signup "D MMMM YYYY"}}` or `{{date "now" "YYYY"}}`. A value that is not a date
     * renders unchanged, so a typo in the sheet shows up in the preview instead of vanishing.
     */
    date: (...raw) => {
      const [value, format] = argsOf(raw);
      const text = asText(value);
      const parts = parseDateInput(text, now);
      if (!parts) return text;
      const f = asText(format);
      return formatDateParts(parts, f.trim() === '' ? DEFAULT_DATE_FORMAT : f);
    },
  };
}
