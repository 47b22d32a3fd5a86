// Guessing what a spreadsheet export is: its encoding, its delimiter, its column names and which
// columns hold the addresses and names. Pure functions over a sample, so each guess is testable.
import chardet from 'chardet';
import iconv from 'iconv-lite';
import type { MergeField } from '../../../shared/domain';
import { parseAddress } from './address';

export interface DetectedEncoding {
  /** The name iconv-lite decodes with. */
  name: string;
  /** What the user is shown. */
  label: string;
}

export type TextProblem = 'binary' | 'excel-workbook' | 'pdf';

export type EncodingGuess = { ok: true; encoding: DetectedEncoding } | { ok: false; problem: TextProblem };

/** Older Excel writes the machine's ANSI code page; Windows-1252 is a superset of ISO-8859-1 for text. */
const LATIN1 = new Set(['ISO-8859-1', 'windows-1252', 'ISO-8859-15']);
const utf8 = (bom: boolean): DetectedEncoding => ({ name: 'utf8', label: bom ? 'UTF-8 (BOM)' : 'UTF-8' });

export function detectEncoding(sample: Uint8Array): EncodingGuess {
  const b = sample;
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return { ok: true, encoding: utf8(true) };
  if (b[0] === 0xff && b[1] === 0xfe) return { ok: true, encoding: { name: 'utf16le', label: 'UTF-16LE' } };
  if (b[0] === 0xfe && b[1] === 0xff) return { ok: true, encoding: { name: 'utf16be', label: 'UTF-16BE' } };
  if (startsWith(b, [0x50, 0x4b, 0x03, 0x04]) || startsWith(b, [0xd0, 0xcf, 0x11, 0xe0])) {
    return { ok: false, problem: 'excel-workbook' };
  }
  if (startsWith(b, [0x25, 0x50, 0x44, 0x46])) return { ok: false, problem: 'pdf' };
  const unmarked = utf16WithoutBom(b);
  if (unmarked) return { ok: true, encoding: unmarked };
  if (looksBinary(b)) return { ok: false, problem: 'binary' };
  if (isUtf8(b)) return { ok: true, encoding: utf8(false) };
  const top = chardet.analyse(b)[0];
  // Short samples give chardet little to go on; only a confident non-Latin guess overrides Excel's default.
  if (top && !LATIN1.has(top.name) && top.confidence >= 50 && iconv.encodingExists(top.name)) {
    return { ok: true, encoding: { name: top.name, label: top.name } };
  }
  return { ok: true, encoding: { name: 'windows1252', label: 'Windows-1252' } };
}

function startsWith(b: Uint8Array, magic: number[]): boolean {
  return magic.every((m, i) => b[i] === m);
}

/** UTF-16 text without a BOM shows NUL in every other byte for Latin text. */
function utf16WithoutBom(b: Uint8Array): DetectedEncoding | null {
  const n = Math.min(b.length, 4096) & ~1;
  if (n < 4) return null;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < n; i += 2) {
    if (b[i] === 0) evenNul++;
    if (b[i + 1] === 0) oddNul++;
  }
  const half = n / 2;
  if (oddNul > half * 0.4 && evenNul < half * 0.05) return { name: 'utf16le', label: 'UTF-16LE' };
  if (evenNul > half * 0.4 && oddNul < half * 0.05) return { name: 'utf16be', label: 'UTF-16BE' };
  return null;
}

function looksBinary(b: Uint8Array): boolean {
  let control = 0;
  for (const byte of b) {
    if (byte === 0) return true;
    // Tab, LF, VT, FF and CR are text; other C0 controls are not.
    if (byte < 0x20 && (byte < 0x09 || byte > 0x0d)) control++;
  }
  return control > b.length * 0.05;
}

function isUtf8(b: Uint8Array): boolean {
  try {
    // stream: true tolerates a character cut in half at the end of the sample.
    new TextDecoder('utf-8', { fatal: true }).decode(b, { stream: true });
    return true;
  } catch {
    return false;
  }
}

// ---- delimiter ----------------------------------------------------------------------------------

export const DELIMITERS = [',', ';', '\t', '|'] as const;
export type Delimiter = (typeof DELIMITERS)[number];

export interface DelimiterGuess {
  delimiter: string;
  /** Excel's `sep=;` first line, which is not part of the data. */
  sepLine: boolean;
}

const SEP_LINE = /^sep=(.)\s*?(\r?\n|$)/i;

/** Guesses from decoded text (BOM already removed): the delimiter whose count per row is steadiest. */
export function detectDelimiter(text: string, maxRecords = 50): DelimiterGuess {
  const sep = SEP_LINE.exec(text);
  if (sep?.[1]) return { delimiter: sep[1], sepLine: true };
  const counts = countPerRecord(text, maxRecords);
  let best: { d: Delimiter; score: number } | null = null;
  for (const d of DELIMITERS) {
    const perRow = counts.map((c) => c[d]);
    const head = perRow[0] ?? 0;
    if (head === 0) continue;
    // Rows that agree with the header count; a complete last row may be cut off by the sample.
    const agree = perRow.filter((n) => n === head).length / perRow.length;
    const score = agree * 1000 + Math.min(head, 999);
    if (!best || score > best.score) best = { d, score };
  }
  return { delimiter: best?.d ?? ',', sepLine: false };
}

/** Counts each candidate outside quotes, per record (quoted newlines stay inside their record). */
function countPerRecord(text: string, maxRecords: number): Record<Delimiter, number>[] {
  const out: Record<Delimiter, number>[] = [];
  let cur = zero();
  let inQuotes = false;
  let blank = true;
  for (let i = 0; i < text.length && out.length < maxRecords; i++) {
    const ch = text[i]!;
    if (ch === '"') inQuotes = !inQuotes;
    else if (!inQuotes && (ch === '\n' || ch === '\r')) {
      if (!blank) out.push(cur);
      cur = zero();
      blank = true;
      continue;
    } else if (!inQuotes && ch in cur) cur[ch as Delimiter]++;
    if (ch.trim()) blank = false;
  }
  // A final record without a newline is kept only when no other sample exists (it may be cut off).
  if (!blank && out.length === 0) out.push(cur);
  return out;
}

function zero(): Record<Delimiter, number> {
  return { ',': 0, ';': 0, '\t': 0, '|': 0 };
}

// ---- headers and merge fields -------------------------------------------------------------------

/** Trimmed header labels made unique: "Email", "Email_2"; an empty header becomes "column_<n>" (1-based). */
export function uniqueLabels(header: string[]): string[] {
  const taken = new Set<string>();
  const seen = new Map<string, number>();
  const labels: string[] = [];
  header.forEach((raw, i) => {
    const base = raw.trim() || `column_${i + 1}`;
    let label = base;
    let n = seen.get(base.toLowerCase()) ?? 1;
    while (taken.has(label.toLowerCase())) label = `${base}_${++n}`;
    seen.set(base.toLowerCase(), n);
    taken.add(label.toLowerCase());
    labels.push(label);
  });
  return labels;
}

/** Template syntax and object internals a column must never shadow. */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype', 'this', 'else']);
const MAX_KEY = 64;

/** A label as a template-safe identifier: lowercase ASCII [a-z0-9_], no leading digit. */
export function fieldKey(label: string, index: number): string {
  let key = label
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, MAX_KEY)
    .replace(/_+$/, '');
  if (!key) key = `column_${index + 1}`;
  if (/^[0-9]/.test(key)) key = `field_${key}`;
  if (RESERVED_KEYS.has(key)) key = `${key}_field`;
  return key;
}

export function mergeFields(labels: string[]): MergeField[] {
  const taken = new Set<string>();
  return labels.map((label, i) => {
    const base = fieldKey(label, i);
    let key = base;
    for (let n = 2; taken.has(key); n++) key = `${base}_${n}`;
    taken.add(key);
    return { key, label };
  });
}

// ---- column guesses -----------------------------------------------------------------------------

const squash = (label: string) =>
  label
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');

/** Header names that say "the address" outright, squashed (lowercase, letters and digits only). */
const EMAIL_HEADERS = new Set([
  'email',
  'emailaddress',
  'emailaddr',
  'mail',
  'mailaddress',
  'email1value',
  'primaryemail',
  'emailadresse',
  'adresseemail',
  'adressemail',
  'courriel',
  'correo',
  'correoelectronico',
  'epost',
  'to',
  'recipient',
]);

/** 2: an email header; 1: mentions mail but is not a type, label or display name; 0: other. */
export function emailHeaderScore(label: string): number {
  const s = squash(label);
  if (EMAIL_HEADERS.has(s)) return 2;
  if (s.includes('mail') && !/(type|display|name|label|status|subscri|optin|consent)/.test(s)) return 1;
  return 0;
}

/**
 * The column holding addresses: by content (most sample cells parse as one address), header names
 * breaking ties; by an email header alone when no column's content fits. null when nothing fits.
 */
export function guessEmailColumn(labels: string[], rows: string[][]): number | null {
  const candidates: { i: number; header: number; ratio: number }[] = [];
  let headerOnly: number | null = null;
  labels.forEach((label, i) => {
    let filled = 0;
    let valid = 0;
    for (const row of rows) {
      const cell = row[i]?.trim() ?? '';
      if (!cell) continue;
      filled++;
      if (parseAddress(cell).ok) valid++;
    }
    const header = emailHeaderScore(label);
    if (valid > 0 && valid / filled >= 0.5) candidates.push({ i, header, ratio: valid / filled });
    else if (header === 2 && headerOnly === null) headerOnly = i;
  });
  candidates.sort((a, b) => b.header - a.header || b.ratio - a.ratio || a.i - b.i);
  return candidates[0]?.i ?? headerOnly;
}

/** Preferred name headers, best first (squashed). */
const NAME_HEADERS = [
  'name',
  'fullname',
  'displayname',
  'contactname',
  'firstname',
  'givenname',
  'first',
  'vorname',
  'prenom',
  'nombre',
  'nom',
];

export function guessNameColumn(labels: string[], emailColumn: number | null): number | null {
  const squashed = labels.map(squash);
  const usable = (i: number) => i !== emailColumn && i >= 0;
  for (const want of NAME_HEADERS) {
    const i = squashed.indexOf(want);
    if (usable(i)) return i;
  }
  const loose = squashed.findIndex(
    (s, i) => usable(i) && s.includes('name') && !/(mail|user|company|file|last|family|sur|middle)/.test(s),
  );
  return loose >= 0 ? loose : null;
}
