// Importing recipients from a spreadsheet export in two steps: a preview that guesses the format
// and the columns, then a commit the user confirms with their column choice. The commit reads the
// whole file into a staging file first (so a broken file writes nothing), then writes the rows
// in small transactions, yielding between them so the app stays responsive.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import readline from 'node:readline';
import type { FileDownload, FileSource, ImportIssue, ImportPreview, ImportReport } from '../../../shared/contract';
import type { MergeField } from '../../../shared/domain';
import type { EngineContext } from '../context';
import { AppError, notFound } from '../errors';
import { csvLine } from '../exports/csv';
import { moveCampaign } from '../sender/campaign-status';
import type { NewRecipient } from '../store/recipients';
import { yieldToEventLoop } from '../yield';
import { parseAddress } from './address';
import { type CsvFormat, emptyFile, type LocalFile, openFileSource, readCsv, readHead, sniffCsv } from './csv-reader';
import { guessEmailColumn, guessNameColumn, mergeFields, uniqueLabels } from './detect';

export { MAX_IMPORT_BYTES } from './csv-reader';

export const PREVIEW_ROWS = 20;
const CHUNK_ROWS = 1_000;
const MAX_ISSUES = 100;
const MAX_COLUMNS = 10_000;
/** A preview the user walked away from; its temp files are removed after this. */
export const IMPORT_TTL_MS = 60 * 60_000;

interface PendingImport {
  importId: string;
  campaignId: number;
  source: LocalFile;
  format: CsvFormat;
  columns: MergeField[];
  state: 'ready' | 'committing' | 'committed';
  rejectedFile: string | null;
  touchedAt: number;
}

/** One validated row waiting in the staging file. */
type Staged = [row: number, address: string, key: string, fields: Record<string, string>];

const invalid = (message: string) => new AppError('import_invalid', message);

export class Importer {
  private pending = new Map<string, PendingImport>();

  constructor(private ctx: EngineContext) {}

  private get tmpDir() {
    return path.join(this.ctx.dataDir, 'tmp');
  }

  async preview(campaignId: number, source: FileSource): Promise<ImportPreview> {
    this.openCampaign(campaignId);
    await this.sweep();
    const importId = randomUUID();
    const local = await openFileSource(source, this.tmpDir, importId);
    try {
      const format = await sniffCsv(local);
      const [header, ...rows] = await readHead(local.file, format, PREVIEW_ROWS + 1);
      if (!header) throw emptyFile(local.fileName);
      const asAddress = header.find((c) => parseAddress(c).ok);
      if (asAddress !== undefined) {
        throw invalid(
          `The first row of ${local.fileName} holds an address (${asAddress}), so the file has no header row. ` +
            'Add a first row that names the columns (for example "email,name") and drop the file again.',
        );
      }
      if (header.length > MAX_COLUMNS) {
        throw invalid(`${local.fileName} has ${header.length} columns; at most ${MAX_COLUMNS} can be imported.`);
      }
      if (rows.length === 0) {
        throw invalid(`${local.fileName} has a header row but no recipients below it. Add one recipient per row.`);
      }
      const labels = uniqueLabels(header);
      const columns = mergeFields(labels);
      const width = labels.length;
      const shaped = rows.map((r) => Array.from({ length: width }, (_, i) => r[i] ?? ''));
      const emailColumn = guessEmailColumn(labels, shaped);
      this.pending.set(importId, {
        importId,
        campaignId,
        source: local,
        format,
        columns,
        state: 'ready',
        rejectedFile: null,
        touchedAt: this.ctx.clock.now(),
      });
      return {
        importId,
        fileName: local.fileName,
        sizeBytes: local.size,
        encoding: format.encoding.label,
        delimiter: format.delimiter,
        columns,
        rows: shaped,
        emailColumn,
        nameColumn: guessNameColumn(labels, emailColumn),
      };
    } catch (err) {
      await local.discard();
      throw err;
    }
  }

  async commit(
    importId: string,
    emailColumn: number,
    fieldColumns?: number[],
    renames: { column: number; label: string }[] = [],
  ): Promise<ImportReport> {
    const p = this.take(importId);
    if (p.state === 'committing') throw new AppError('conflict', 'This file is being imported right now; wait for it.');
    if (p.state === 'committed') {
      throw new AppError('conflict', 'This file has already been imported. Drop it again to import it once more.');
    }
    this.openCampaign(p.campaignId);
    const renamed = renames.find((r) => r.column >= p.columns.length);
    if (renamed) {
      throw new AppError(
        'invalid_input',
        `Column ${renamed.column + 1} does not exist; the file has ${p.columns.length} columns.`,
      );
    }
    // A renamed column's merge field key follows its new name.
    const columns =
      renames.length === 0
        ? p.columns
        : mergeFields(p.columns.map((c, i) => renames.findLast((r) => r.column === i)?.label ?? c.label));
    if (emailColumn >= columns.length) {
      throw new AppError(
        'invalid_input',
        `The file has ${columns.length} columns; pick one of them as the email column.`,
      );
    }
    const outside = fieldColumns?.find((i) => i >= columns.length);
    if (outside !== undefined) {
      throw new AppError(
        'invalid_input',
        `Column ${outside + 1} does not exist; the file has ${columns.length} columns.`,
      );
    }
    await this.assertUnchanged(p);
    // The address column is always kept, so every recipient carries it as a field too.
    const kept = [...new Set([...(fieldColumns ?? columns.keys()), emailColumn])].sort((a, b) => a - b);

    p.state = 'committing';
    await fsp.mkdir(this.tmpDir, { recursive: true });
    const staging = path.join(this.tmpDir, `${importId}.staging`);
    const rejectedFile = path.join(this.tmpDir, `${importId}.rejected.csv`);
    try {
      const read = await this.stage({ ...p, columns }, emailColumn, kept, staging, rejectedFile);
      if (read.valid === 0) {
        const label = columns[emailColumn]!.label;
        throw invalid(
          read.rowsRead === 0
            ? `${p.source.fileName} has no recipients below its header row.`
            : `No row has a valid address in column "${label}". Pick the column that holds the email addresses.`,
        );
      }
      const written = await this.write(p, staging);
      this.mergeCampaignFields(
        p.campaignId,
        kept.map((i) => columns[i]!),
      );
      p.state = 'committed';
      p.rejectedFile = rejectedFile;
      // Only the rejected rows are needed from here on; an uploaded copy can go.
      await p.source.discard();
      p.touchedAt = this.ctx.clock.now();
      const size = p.source.size;
      this.ctx.hub.emit('import.progress', {
        importId,
        phase: 'done',
        rowsRead: read.rowsRead,
        bytesRead: size,
        totalBytes: size,
      });
      const report: ImportReport = {
        importId,
        rowsRead: read.rowsRead,
        added: written.added,
        duplicates: written.duplicates,
        suppressed: written.suppressed,
        invalid: read.invalid,
        issues: read.issues,
        duplicateRows: written.duplicateRows,
      };
      this.ctx.activity(
        'info',
        `Imported ${report.added} recipients from ${p.source.fileName} (${report.duplicates} duplicates, ` +
          `${report.suppressed} suppressed, ${report.invalid} invalid)`,
        { campaignId: p.campaignId },
      );
      if (report.added > 0) this.settleCampaign(p.campaignId);
      this.ctx.hub.emit('campaigns.changed', { campaignId: p.campaignId });
      return report;
    } catch (err) {
      p.state = 'ready';
      await fsp.rm(rejectedFile, { force: true });
      throw err;
    } finally {
      await fsp.rm(staging, { force: true });
    }
  }

  /** The invalid rows of a committed import as CSV: row number, reason, then the original cells. */
  rejectedCsv(importId: string): FileDownload {
    const p = this.take(importId);
    if (p.state !== 'committed' || !p.rejectedFile) {
      throw new AppError('conflict', 'The rejected rows are known once the import has run. Import the file first.');
    }
    const base = p.source.fileName.replace(/\.[^.]*$/, '') || 'import';
    return {
      filename: `${base}-rejected.csv`,
      contentType: 'text/csv',
      // The BOM makes Excel read the file as UTF-8.
      content: `\ufeff${fs.readFileSync(p.rejectedFile, 'utf8')}`,
    };
  }

  /** Removes every pending import and its temp files (at shutdown). */
  async dispose(): Promise<void> {
    const all = [...this.pending.values()];
    this.pending.clear();
    await Promise.all(all.map((p) => this.discard(p)));
  }

  // ---- the two passes -----------------------------------------------------------------------

  /** Pass 1: validate every row; good rows go to the staging file, bad ones to the rejected CSV. */
  private async stage(p: PendingImport, emailColumn: number, kept: number[], staging: string, rejectedFile: string) {
    const labels = p.columns.map((c) => c.label);
    const keys = kept.map((i) => p.columns[i]!.key);
    const good = await fsp.open(staging, 'w');
    const bad = await fsp.open(rejectedFile, 'w');
    const issues: ImportIssue[] = [];
    let goodLines: string[] = [];
    let badLines: string[] = [csvLine(['row', 'reason', ...labels])];
    // Rows are numbered 1-based among the data rows: the first row under the header is row 1, and
    // blank lines are not counted.
    let row = 0;
    let valid = 0;
    let invalidRows = 0;
    let bytesRead = 0;
    const progress = () =>
      this.ctx.hub.emit('import.progress', {
        importId: p.importId,
        phase: 'reading',
        rowsRead: row,
        bytesRead,
        totalBytes: p.source.size,
      });
    try {
      let header = true;
      for await (const rec of readCsv(p.source.file, p.format)) {
        bytesRead = rec.bytesRead;
        if (header) {
          header = false;
          continue;
        }
        row++;
        const cell = rec.cells[emailColumn] ?? '';
        const parsed = parseAddress(cell);
        if (parsed.ok) {
          valid++;
          const fields: Record<string, string> = {};
          kept.forEach((col, k) => {
            fields[keys[k]!] = rec.cells[col] ?? '';
          });
          goodLines.push(stagedLine([row, parsed.address, parsed.key, fields]));
        } else {
          invalidRows++;
          if (issues.length < MAX_ISSUES) issues.push({ row, value: cell.slice(0, 320), reason: parsed.reason });
          const cells = Array.from({ length: Math.max(labels.length, rec.cells.length) }, (_, i) => rec.cells[i] ?? '');
          badLines.push(csvLine([String(row), parsed.reason, ...cells]));
        }
        if (goodLines.length >= CHUNK_ROWS) {
          await good.write(`${goodLines.join('\n')}\n`);
          goodLines = [];
        }
        if (badLines.length >= CHUNK_ROWS) {
          await bad.write(badLines.join(''));
          badLines = [];
        }
        if (row % CHUNK_ROWS === 0) progress();
      }
      if (goodLines.length) await good.write(`${goodLines.join('\n')}\n`);
      if (badLines.length) await bad.write(badLines.join(''));
    } finally {
      await good.close();
      await bad.close();
    }
    progress();
    return { rowsRead: row, valid, invalid: invalidRows, issues };
  }

  /**
   * Pass 2: staged rows into the campaign, a chunk per transaction. Suppressed addresses are left
   * out; the table's unique (campaign, key) makes repeats within the file and with earlier imports
   * count as duplicates. In this phase, progress counts staged rows handled and staging bytes.
   */
  private async write(p: PendingImport, staging: string) {
    const { store, clock, hub } = this.ctx;
    const totalBytes = (await fsp.stat(staging)).size;
    let bytesRead = 0;
    let handled = 0;
    let added = 0;
    let duplicates = 0;
    let suppressed = 0;
    const duplicateRows: ImportIssue[] = [];
    const flush = (chunk: Staged[]) => {
      const rows = chunk.map(([, address, addressKey, fields]): NewRecipient => ({ address, addressKey, fields }));
      const r = store.addRecipients(p.campaignId, rows, clock.now(), (i) => {
        if (duplicateRows.length >= MAX_ISSUES) return;
        duplicateRows.push({
          row: chunk[i]![0],
          value: chunk[i]![1],
          reason: 'Already in this campaign (from an earlier row or import)',
        });
      });
      added += r.added;
      duplicates += r.duplicates;
      suppressed += r.suppressed;
      handled += chunk.length;
      hub.emit('import.progress', { importId: p.importId, phase: 'writing', rowsRead: handled, bytesRead, totalBytes });
    };
    const lines = readline.createInterface({
      input: fs.createReadStream(staging),
      crlfDelay: Number.POSITIVE_INFINITY,
    });
    let chunk: Staged[] = [];
    for await (const line of lines) {
      if (!line) continue;
      bytesRead += Buffer.byteLength(line) + 1;
      chunk.push(JSON.parse(line) as Staged);
      if (chunk.length >= CHUNK_ROWS) {
        flush(chunk);
        chunk = [];
        await yieldToEventLoop();
      }
    }
    if (chunk.length) flush(chunk);
    return { added, duplicates, suppressed, duplicateRows };
  }

  // ---- bookkeeping ----------------------------------------------------------------------------

  /**
   * The campaign may have finished or been cancelled while the file was read: new rows must not
   * sit queued under a campaign that says it is done, nor be sent for one that was cancelled.
   */
  private settleCampaign(campaignId: number) {
    const { store, clock } = this.ctx;
    const c = store.campaigns.get(campaignId);
    if (c?.status === 'done') moveCampaign(this.ctx, c, 'reopen');
    if (c?.status === 'cancelled') {
      while (store.recipients.moveChunk(campaignId, 'queued', 'skipped', clock.now()) > 0);
    }
    this.ctx.wake();
  }

  private openCampaign(campaignId: number) {
    const c = this.ctx.store.campaigns.get(campaignId);
    if (!c) throw notFound('The campaign');
    if (c.status === 'done' || c.status === 'cancelled') {
      throw new AppError(
        'conflict',
        `The campaign "${c.name}" is ${c.status === 'done' ? 'finished' : 'cancelled'}; recipients cannot be added to it. ` +
          'Create a new campaign for these recipients.',
      );
    }
    return c;
  }

  private mergeCampaignFields(campaignId: number, added: MergeField[]) {
    const c = this.ctx.store.campaigns.get(campaignId);
    if (!c) return;
    const known = new Set(c.fields.map((f) => f.key));
    const merged = [...c.fields, ...added.filter((f) => !known.has(f.key))];
    if (merged.length !== c.fields.length) this.ctx.store.campaigns.setFields(campaignId, merged);
  }

  private take(importId: string): PendingImport {
    const p = this.pending.get(importId);
    const expired = p && p.state !== 'committing' && p.touchedAt < this.ctx.clock.now() - IMPORT_TTL_MS;
    if (p && expired) {
      this.pending.delete(importId);
      this.discard(p).catch((err) => this.ctx.log.warn('could not remove an expired import', err));
    }
    if (!p || expired) throw invalid('The import has expired; drop the file again.');
    return p;
  }

  /** A file read from its own path must be the one previewed. */
  private async assertUnchanged(p: PendingImport) {
    const stat = await fsp.stat(p.source.file).catch(() => null);
    if (!stat || stat.size !== p.source.size || (p.source.mtimeMs && stat.mtimeMs !== p.source.mtimeMs)) {
      this.pending.delete(p.importId);
      await this.discard(p);
      throw invalid(`${p.source.fileName} changed or disappeared since the preview. Drop the file again.`);
    }
  }

  private async sweep() {
    const cutoff = this.ctx.clock.now() - IMPORT_TTL_MS;
    for (const p of [...this.pending.values()]) {
      if (p.state !== 'committing' && p.touchedAt < cutoff) {
        this.pending.delete(p.importId);
        await this.discard(p);
      }
    }
  }

  private async discard(p: PendingImport) {
    await p.source.discard();
    if (p.rejectedFile) await fsp.rm(p.rejectedFile, { force: true });
  }
}

/**
 * One staged row as one line of JSON. JSON leaves U+2028 and U+2029 bare, but readline ends a
 * line at them, so a field holding one would split its row in pass 2: escape them.
 */
function stagedLine(s: Staged): string {
  return JSON.stringify(s).replace(/[\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
}
