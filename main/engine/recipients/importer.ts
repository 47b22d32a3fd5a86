// Importing recipients from a spreadsheet export in two steps: a preview that guesses the format
// and the columns, then a commit the user confirms with their column choice. The commit reads the
// whole file into a staging table first, a chunk per transaction and yielding between chunks (so a
// broken file writes nothing and the app stays responsive), then moves every staged row into the
// campaign in one transaction: a commit that fails leaves the campaign exactly as it was.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { FileDownload, FileSource, ImportIssue, ImportPreview, ImportReport } from '../../../shared/contract';
import type { MergeField } from '../../../shared/domain';
import type { EngineContext } from '../context';
import { AppError, notFound } from '../errors';
import { csvLine } from '../exports/csv';
import { makePrivateDirAsync, PRIVATE_FILE_MODE } from '../private-files';
import { moveCampaign } from '../sender/campaign-status';
import type { StagedRow } from '../store/import-staging';
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

const invalid = (message: string) => new AppError('import_invalid', message);

const DUPLICATE_REASON = 'Already in this campaign (from an earlier row or import)';
const SUPPRESSED_REASON = 'On the suppression list';

/** A rejected row: its number, why, then every cell as the file has it (the address unguarded if plain). */
function rejectedLine(row: number, reason: string, width: number, cells: string[], emailColumn: number): string {
  const all = Array.from({ length: Math.max(width, cells.length) }, (_, i) => cells[i] ?? '');
  return csvLine([String(row), reason, ...all], emailColumn + 2);
}

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
    const local = await openFileSource(source, this.tmpDir, importId, this.ctx.files);
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
    // The address column is always kept, so every recipient carries it as a field too.
    const kept = [...new Set([...(fieldColumns ?? columns.keys()), emailColumn])].sort((a, b) => a - b);

    // Claimed before the first await: a second commit of this import arriving meanwhile is a conflict.
    p.state = 'committing';
    const rejectedFile = path.join(this.tmpDir, `${importId}.rejected.csv`);
    try {
      await this.assertUnchanged(p);
      await makePrivateDirAsync(this.tmpDir);
      const read = await this.stage({ ...p, columns }, emailColumn, kept, rejectedFile);
      if (read.valid === 0) {
        const label = columns[emailColumn]!.label;
        throw invalid(
          read.rowsRead === 0
            ? `${p.source.fileName} has no recipients below its header row.`
            : `No row has a valid address in column "${label}". Pick the column that holds the email addresses.`,
        );
      }
      const written = this.write(
        p,
        kept.map((i) => columns[i]!),
      );
      p.state = 'committed';
      p.rejectedFile = rejectedFile;
      if (written.leftOut.duplicates.length + written.leftOut.suppressed.length > 0) {
        // The recipients are in; a rejected file without the left-out rows must not undo that.
        await this.rewriteRejected(
          { ...p, columns },
          emailColumn,
          read.invalidRowNumbers,
          written.leftOut,
          rejectedFile,
        ).catch((err) => {
          this.ctx.log.warn(`import ${importId}: the rejected rows file lists only the invalid rows`, err);
          this.ctx.activity(
            'warn',
            `The rejected rows of ${p.source.fileName} could not all be written (is the disk full?): the download lists only the invalid rows.`,
            { campaignId: p.campaignId },
          );
        });
      }
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
      if (report.added > 0) this.ctx.wake();
      this.ctx.hub.emit('campaigns.changed', { campaignId: p.campaignId });
      return report;
    } catch (err) {
      if (p.state === 'committing') p.state = 'ready';
      await fsp.rm(rejectedFile, { force: true });
      throw err;
    } finally {
      this.ctx.store.importStaging.discard(importId);
    }
  }

  /**
   * The rows a committed import left out, as CSV in file order: invalid, duplicate and suppressed
   * ones, each with its row number, the reason, then the original cells (formula-safe).
   */
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

  /** Pass 1: validate every row; good rows go to the staging table, bad ones to the rejected CSV. */
  private async stage(p: PendingImport, emailColumn: number, kept: number[], rejectedFile: string) {
    const { importStaging } = this.ctx.store;
    importStaging.discard(p.importId);
    const labels = p.columns.map((c) => c.label);
    const keys = kept.map((i) => p.columns[i]!.key);
    const bad = await fsp.open(rejectedFile, 'w', PRIVATE_FILE_MODE);
    const issues: ImportIssue[] = [];
    const invalidRowNumbers: number[] = [];
    let good: StagedRow[] = [];
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
          good.push({ row, address: parsed.address, addressKey: parsed.key, fields });
        } else {
          invalidRows++;
          invalidRowNumbers.push(row);
          if (issues.length < MAX_ISSUES) issues.push({ row, value: cell.slice(0, 320), reason: parsed.reason });
          badLines.push(rejectedLine(row, parsed.reason, labels.length, rec.cells, emailColumn));
        }
        if (good.length >= CHUNK_ROWS) {
          importStaging.add(p.importId, valid - good.length, good);
          good = [];
          await yieldToEventLoop();
        }
        if (badLines.length >= CHUNK_ROWS) {
          await bad.write(badLines.join(''));
          badLines = [];
        }
        if (row % CHUNK_ROWS === 0) progress();
      }
      if (good.length) importStaging.add(p.importId, valid - good.length, good);
      if (badLines.length) await bad.write(badLines.join(''));
    } finally {
      await bad.close();
    }
    progress();
    return { rowsRead: row, valid, invalid: invalidRows, issues, invalidRowNumbers };
  }

  /**
   * Pass 3, only when the move left rows out: the rejected file again, in file order, with the
   * duplicate and suppressed rows beside the invalid ones, each with every cell as the file has it
   * (the staging table keeps only the chosen columns). Written beside the first and renamed over
   * it, so a failure leaves the invalid rows' file whole.
   */
  private async rewriteRejected(
    p: PendingImport,
    emailColumn: number,
    invalidRows: readonly number[],
    leftOut: { duplicates: readonly number[]; suppressed: readonly number[] },
    rejectedFile: string,
  ) {
    const labels = p.columns.map((c) => c.label);
    const part = `${rejectedFile}.part`;
    const out = await fsp.open(part, 'w', PRIVATE_FILE_MODE);
    let lines: string[] = [csvLine(['row', 'reason', ...labels])];
    let row = 0;
    let i = 0;
    let d = 0;
    let s = 0;
    try {
      let header = true;
      for await (const rec of readCsv(p.source.file, p.format)) {
        if (header) {
          header = false;
          continue;
        }
        row++;
        let reason: string | null = null;
        if (invalidRows[i] === row) {
          i++;
          const parsed = parseAddress(rec.cells[emailColumn] ?? '');
          reason = parsed.ok ? 'The address is not valid' : parsed.reason;
        } else if (leftOut.duplicates[d] === row) {
          d++;
          reason = DUPLICATE_REASON;
        } else if (leftOut.suppressed[s] === row) {
          s++;
          reason = SUPPRESSED_REASON;
        }
        if (reason !== null) lines.push(rejectedLine(row, reason, labels.length, rec.cells, emailColumn));
        if (lines.length >= CHUNK_ROWS) {
          await out.write(lines.join(''));
          lines = [];
        }
        if (row % CHUNK_ROWS === 0) await yieldToEventLoop();
      }
      if (lines.length) await out.write(lines.join(''));
    } catch (err) {
      await out.close();
      await fsp.rm(part, { force: true });
      throw err;
    }
    await out.close();
    await fsp.rename(part, rejectedFile);
  }

  /**
   * Pass 2: every staged row into the campaign in one transaction, with the new merge fields and
   * the campaign's status settled, so a failure anywhere leaves the campaign as it was. Suppressed
   * addresses are left out; the table's unique (campaign, key) makes repeats within the file and
   * with earlier imports count as duplicates.
   */
  private write(p: PendingImport, fields: MergeField[]) {
    const { store, clock, hub } = this.ctx;
    hub.emit('import.progress', {
      importId: p.importId,
      phase: 'writing',
      rowsRead: 0,
      bytesRead: 0,
      totalBytes: p.source.size,
    });
    try {
      const written = store.commitImport(p.importId, p.campaignId, clock.now(), MAX_ISSUES, (counts) => {
        this.mergeCampaignFields(p.campaignId, fields);
        if (counts.added > 0) this.settleCampaign(p.campaignId);
      });
      const duplicateRows: ImportIssue[] = written.duplicateRows.map((d) => ({
        row: d.row,
        value: d.address,
        reason: DUPLICATE_REASON,
      }));
      return { ...written, duplicateRows };
    } catch (err) {
      this.ctx.log.error(`import ${p.importId} could not be written`, err);
      throw new AppError(
        'internal',
        'The database refused the new recipients (is the disk full?). Nothing was imported: free some space and ' +
          'commit the import again.',
      );
    }
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
