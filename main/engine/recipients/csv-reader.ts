// Reading a spreadsheet export as a stream of rows: the file is never held in memory, so a
// million-row list costs what one chunk costs. Used by the recipient importer and the
// suppression list import.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import iconv from 'iconv-lite';
import type { FileSource } from '../../../shared/contract';
import { AppError } from '../errors';
import { unguardCell } from '../exports/csv';
import type { FileRegistry } from '../files/registry';
import { makePrivateDirAsync, PRIVATE_FILE_MODE } from '../private-files';
import { type DetectedEncoding, detectDelimiter, detectEncoding } from './detect';

export const MAX_IMPORT_BYTES = 200 * 1024 * 1024;
/** Enough rows to guess from without reading a large file twice. */
const SAMPLE_BYTES = 512 * 1024;
/** An unclosed quote would otherwise swallow the rest of the file into one value. */
const MAX_RECORD_BYTES = 1024 * 1024;

export interface CsvFormat {
  encoding: DetectedEncoding;
  delimiter: string;
  sepLine: boolean;
}

export interface CsvRecord {
  /** Trimmed cells; ragged rows keep their own length. */
  cells: string[];
  /** Bytes of the file consumed so far (for progress). */
  bytesRead: number;
}

/** A file on this machine to read; `discard` removes it when it was an upload copied to a temp folder. */
export interface LocalFile {
  file: string;
  fileName: string;
  size: number;
  mtimeMs: number;
  discard(): Promise<void>;
}

const invalid = (message: string) => new AppError('import_invalid', message);

/**
 * Resolves the source to a readable file: a registered file by its id (an upload the server took
 * in is deleted by `discard`), or an inline upload written to `tmpDir/<id>.upload` first.
 */
export async function openFileSource(
  source: FileSource,
  tmpDir: string,
  id: string,
  files: FileRegistry,
): Promise<LocalFile> {
  let local: LocalFile;
  if ('fileId' in source) {
    const f = files.take(source.fileId);
    const stat = await fsp.stat(f.path).catch(() => null);
    if (!stat) throw invalid(`${f.name} was not found. Check that the file still exists and drop it again.`);
    if (!stat.isFile()) throw invalid(`${f.name} is a folder, not a file. Choose a CSV file.`);
    local = {
      file: f.path,
      fileName: f.name,
      size: stat.size,
      mtimeMs: f.owned ? 0 : stat.mtimeMs,
      discard: f.owned ? () => fsp.rm(f.path, { force: true }) : async () => {},
    };
  } else {
    const fileName = path.basename(source.upload.name.replace(/\\/g, '/')) || 'upload.csv';
    const body = Buffer.from(source.upload.base64, 'base64');
    await makePrivateDirAsync(tmpDir);
    const file = path.join(tmpDir, `${id}.upload`);
    await fsp.writeFile(file, body, { mode: PRIVATE_FILE_MODE });
    local = { file, fileName, size: body.length, mtimeMs: 0, discard: () => fsp.rm(file, { force: true }) };
  }
  try {
    checkSize(local);
  } catch (err) {
    await local.discard();
    throw err;
  }
  return local;
}

function checkSize(f: LocalFile): void {
  if (f.size === 0) throw emptyFile(f.fileName);
  if (f.size > MAX_IMPORT_BYTES) {
    const mib = (f.size / 1024 / 1024).toFixed(0);
    throw invalid(
      `${f.fileName} is ${mib} MiB; files up to 200 MiB can be imported. Split it into smaller files and import them one after another.`,
    );
  }
}

export const emptyFile = (fileName: string) =>
  invalid(`${fileName} is empty. Export the list again with a header row and one recipient per row.`);

/** Detects encoding and delimiter from the start of the file; refuses files that are not text. */
export async function sniffCsv(f: LocalFile): Promise<CsvFormat> {
  const fh = await fsp.open(f.file, 'r');
  let sample: Buffer;
  try {
    const buf = Buffer.alloc(Math.min(SAMPLE_BYTES, f.size));
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    sample = buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
  const guess = detectEncoding(sample);
  if (!guess.ok) {
    const what =
      guess.problem === 'excel-workbook'
        ? 'is an Excel workbook, not a CSV file. In Excel choose File › Save As › "CSV UTF-8", then drop the CSV file.'
        : guess.problem === 'pdf'
          ? 'is a PDF, not a CSV file. Export the list from its spreadsheet as CSV and drop that file.'
          : 'is not a text file. Save the list as CSV (comma-separated values) and drop that file.';
    throw invalid(`${f.fileName} ${what}`);
  }
  const text = iconv.decode(sample, guess.encoding.name);
  if (!text.trim()) throw emptyFile(f.fileName);
  const { delimiter, sepLine } = detectDelimiter(text);
  return { encoding: guess.encoding, delimiter, sepLine };
}

/** Every non-blank record, header first. Rows with only empty cells count as blank. */
export async function* readCsv(file: string, format: CsvFormat): AsyncGenerator<CsvRecord> {
  const input = fs.createReadStream(file, { highWaterMark: 64 * 1024 });
  const parser = parse({
    delimiter: format.delimiter,
    from_line: format.sepLine ? 2 : 1,
    bom: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    skip_records_with_empty_values: true,
    max_record_size: MAX_RECORD_BYTES,
  });
  // csv-parse reads UTF-8 bytes itself; everything else is decoded to text first.
  const done = () => {}; // errors reach the consumer through the parser's iterator
  if (format.encoding.name === 'utf8') pipeline(input, parser, done);
  else pipeline(input, iconv.decodeStream(format.encoding.name), parser, done);
  try {
    for await (const cells of parser as AsyncIterable<string[]>) {
      // A cell the app's own export guarded against formulas comes back as it was.
      yield { cells: cells.map((c) => unguardCell(c.trim())), bytesRead: input.bytesRead };
    }
  } catch (err) {
    throw explainCsvError(err);
  } finally {
    input.destroy();
    parser.destroy();
  }
}

/** The first `n` records (header included). */
export async function readHead(file: string, format: CsvFormat, n: number): Promise<string[][]> {
  const out: string[][] = [];
  if (n <= 0) return out;
  for await (const r of readCsv(file, format)) {
    out.push(r.cells);
    if (out.length >= n) break;
  }
  return out;
}

function explainCsvError(err: unknown): unknown {
  if (!(err instanceof CsvError)) return err;
  const line = typeof err.lines === 'number' ? `line ${err.lines}` : 'a line';
  switch (err.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return invalid(
        `A quoted value is never closed (the file ends inside quotes, near ${line}). Fix the quotes in a text editor and drop the file again.`,
      );
    case 'CSV_MAX_RECORD_SIZE':
      return invalid(
        `A row near ${line} is longer than 1 MiB, which usually means a quote is not closed. Fix the quotes and drop the file again.`,
      );
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
    case 'INVALID_OPENING_QUOTE':
      return invalid(`The quotes on ${line} do not pair up. Fix that line in a text editor and drop the file again.`);
    default:
      return invalid(`The file could not be read as CSV near ${line} (${err.message}). Check it and drop it again.`);
  }
}
