// CSV files the user opens in a spreadsheet. Cells come from imported data and server answers,
// so a value that a spreadsheet would run as a formula is defused first (CSV injection).

import { yieldToEventLoop } from '../yield';

const BOM = '\uFEFF';

/**
 * Cells that make Excel, LibreOffice or Sheets read a formula, also behind apostrophes: a value
 * that already starts with the guard gets one more, so the importer's unguardCell (which takes
 * exactly one off) gives back the value as it was.
 */
const FORMULA_START = /^'*[=+\-@\t\r]/;
/**
 * An address of letters, digits and . _ + - only. Behind a leading + or - it is no formula a
 * spreadsheet can run (no function call, no string, no DDE `|`/`!`), so it stays as written and
 * re-imports as the same address. Anything else starting like a formula is guarded.
 */
const PLAIN_ADDRESS = /^[+-][A-Za-z0-9._+-]*@[A-Za-z0-9.-]+$/;

/** What a cell holds: an address column keeps plain addresses unguarded. */
export type CellKind = 'text' | 'address';

/** Prefixes a single quote to a cell that a spreadsheet would evaluate. */
export function neutraliseCell(value: string, kind: CellKind = 'text'): string {
  if (kind === 'address' && PLAIN_ADDRESS.test(value)) return value;
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** Takes the guard of neutraliseCell off a cell read back from a CSV file. */
export function unguardCell(value: string): string {
  return value.startsWith("'") && FORMULA_START.test(value) ? value.slice(1) : value;
}

function quote(cell: string): string {
  return /[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

const line = (cells: string[], addressColumn: number | null = null) =>
  cells.map((c, i) => quote(neutraliseCell(c, i === addressColumn ? 'address' : 'text'))).join(',');

/** One formula-safe CSV line with its CRLF, for files written a chunk at a time. */
export const csvLine = (cells: string[], addressColumn: number | null = null): string =>
  `${line(cells, addressColumn)}\r\n`;

/**
 * RFC 4180 CSV (CRLF, quotes doubled) with a UTF-8 BOM for Excel, formula-safe cells. Built a page
 * of rows at a time, yielding to the event loop between pages, so a large export never holds the
 * thread the sender and the window share.
 */
export async function toCsvPaged(
  header: string[],
  pages: Iterable<string[][]>,
  opts: { addressColumn?: number } = {},
): Promise<string> {
  const out: string[] = [line(header)];
  for (const page of pages) {
    for (const r of page) out.push(line(r, opts.addressColumn ?? null));
    await yieldToEventLoop();
  }
  return `${BOM}${out.join('\r\n')}\r\n`;
}
