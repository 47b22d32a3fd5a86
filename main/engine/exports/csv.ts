// CSV files the user opens in a spreadsheet. Cells come from imported data and server answers,
// so a value that a spreadsheet would run as a formula is defused first (CSV injection).

import { yieldToEventLoop } from '../yield';

const BOM = '\uFEFF';

/** Characters that make Excel, LibreOffice or Sheets read a cell as a formula. */
const FORMULA_START = /^[=+\-@\t\r]/;

/** Prefixes a single quote to a cell that a spreadsheet would evaluate. */
export function neutraliseCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

function quote(cell: string): string {
  return /[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

const line = (cells: string[]) => cells.map((c) => quote(neutraliseCell(c))).join(',');

/** One formula-safe CSV line with its CRLF, for files written a chunk at a time. */
export const csvLine = (cells: string[]): string => `${line(cells)}\r\n`;

/**
 * RFC 4180 CSV (CRLF, quotes doubled) with a UTF-8 BOM for Excel, formula-safe cells. Built a page
 * of rows at a time, yielding to the event loop between pages, so a large export never holds the
 * thread the sender and the window share.
 */
export async function toCsvPaged(header: string[], pages: Iterable<string[][]>): Promise<string> {
  const out: string[] = [line(header)];
  for (const page of pages) {
    for (const r of page) out.push(line(r));
    await yieldToEventLoop();
  }
  return `${BOM}${out.join('\r\n')}\r\n`;
}
