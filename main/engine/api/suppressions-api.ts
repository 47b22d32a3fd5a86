// The suppression list: the addresses no campaign ever sends to. Adding to it (by hand or from a
// CSV) also skips matching recipients still waiting in any queue.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { FileSource } from '../../../shared/contract';
import type { SuppressionReason } from '../../../shared/domain';
import type { EngineContext } from '../context';
import { AppError } from '../errors';
import { toCsvPaged } from '../exports/csv';
import { addressKey, parseAddress } from '../recipients/address';
import { openFileSource, readCsv, readHead, sniffCsv } from '../recipients/csv-reader';
import { guessEmailColumn, uniqueLabels } from '../recipients/detect';
import { yieldToEventLoop } from '../yield';
import { inChunks } from './bulk';
import type { Handlers } from './handlers';

type SuppressionHandlerNames =
  | 'suppressions.list'
  | 'suppressions.add'
  | 'suppressions.remove'
  | 'suppressions.restore'
  | 'suppressions.import'
  | 'suppressions.export';

const CHUNK = 1_000;
const SAMPLE_ROWS = 20;

export function suppressionsHandlers(ctx: EngineContext): Pick<Handlers, SuppressionHandlerNames> {
  const { store } = ctx;
  return {
    'suppressions.list': ({ search, after, limit }) => store.suppressions.list({ search, after, limit }),
    'suppressions.add': async ({ addresses, reason }) => {
      const items = addresses.map((a) => {
        const p = parseAddress(a);
        if (!p.ok) {
          throw new AppError(
            'invalid_input',
            `"${a}" is not a valid address: ${p.reason}. Fix or remove it and try again.`,
          );
        }
        return { address: p.address, key: p.key };
      });
      let added = 0;
      for (let i = 0; i < items.length; i += CHUNK) {
        added += store.suppressions.add(items.slice(i, i + CHUNK), reason, 'manual', ctx.clock.now());
        await yieldToEventLoop();
      }
      await skipSuppressedEverywhere(ctx);
      return { added };
    },
    'suppressions.remove': ({ addresses }) => {
      // Entries are removed by key, so odd addresses that were stored long ago can still go.
      const keys = addresses.map((a) => {
        const p = parseAddress(a);
        return p.ok ? p.key : addressKey(a.trim());
      });
      const entries = store.suppressions.removeReturning(keys);
      if (entries.length > 0) ctx.activity('info', `Removed ${entries.length} address(es) from the suppression list.`);
      return { removed: entries.length, entries };
    },
    'suppressions.restore': async ({ entries }) => {
      // Undo puts entries back as they were (reason, source, time), then skips what they cover again.
      const items = entries.map((e) => {
        const p = parseAddress(e.address);
        return { ...e, address: p.ok ? p.address : e.address.trim(), key: p.ok ? p.key : addressKey(e.address.trim()) };
      });
      let restored = 0;
      for (let i = 0; i < items.length; i += CHUNK) {
        restored += store.suppressions.restore(items.slice(i, i + CHUNK));
        await yieldToEventLoop();
      }
      await skipSuppressedEverywhere(ctx);
      if (restored > 0) ctx.activity('info', `Put ${restored} address(es) back on the suppression list.`);
      return { restored };
    },
    'suppressions.import': ({ source, reason }) => importSuppressions(ctx, source, reason),
    'suppressions.export': async () => {
      const day = new Date(ctx.clock.now()).toISOString().slice(0, 10);
      const pages = function* () {
        for (const page of store.suppressions.iterate()) {
          yield page.map((s) => [s.address, s.reason, s.source, new Date(s.createdAt).toISOString()]);
        }
      };
      const content = await toCsvPaged(['address', 'reason', 'source', 'added'], pages(), { addressColumn: 0 });
      return { filename: `suppressions-${day}.csv`, contentType: 'text/csv', content };
    },
  };
}

/**
 * Reads addresses from a CSV into the suppression list. The address column is guessed; a file
 * with no header row (a plain list of addresses) is read from its first line.
 */
export async function importSuppressions(
  ctx: EngineContext,
  source: FileSource,
  reason: SuppressionReason,
): Promise<{ added: number; invalid: number }> {
  const local = await openFileSource(source, path.join(ctx.dataDir, 'tmp'), randomUUID(), ctx.files);
  try {
    const format = await sniffCsv(local);
    const [first, ...rows] = await readHead(local.file, format, SAMPLE_ROWS + 1);
    if (!first) throw new AppError('import_invalid', `${local.fileName} is empty. Add one address per row.`);
    const headerless = first.some((c) => parseAddress(c).ok);
    const labels = uniqueLabels(headerless ? first.map((_, i) => `column_${i + 1}`) : first);
    const column = guessEmailColumn(labels, headerless ? [first, ...rows] : rows);
    if (column === null) {
      throw new AppError(
        'import_invalid',
        `No column of ${local.fileName} holds email addresses. Use a file with one address per row.`,
      );
    }
    const sourceLabel = `import: ${local.fileName}`;
    let added = 0;
    let valid = 0;
    let invalid = 0;
    let batch: { address: string; key: string }[] = [];
    const flush = async () => {
      added += ctx.store.suppressions.add(batch, reason, sourceLabel, ctx.clock.now());
      batch = [];
      await yieldToEventLoop();
    };
    let skipHeader = !headerless;
    for await (const rec of readCsv(local.file, format)) {
      if (skipHeader) {
        skipHeader = false;
        continue;
      }
      const p = parseAddress(rec.cells[column] ?? '');
      if (!p.ok) {
        invalid++;
        continue;
      }
      valid++;
      batch.push({ address: p.address, key: p.key });
      if (batch.length >= CHUNK) await flush();
    }
    if (valid === 0) {
      throw new AppError(
        'import_invalid',
        `No row of ${local.fileName} holds a valid address in column "${labels[column]}". Nothing was added.`,
      );
    }
    if (batch.length) await flush();
    await skipSuppressedEverywhere(ctx);
    ctx.activity('info', `Added ${added} addresses to the suppression list from ${local.fileName}`);
    return { added, invalid };
  } finally {
    await local.discard();
  }
}

/** Queued recipients whose address is now suppressed become skipped, in every campaign. */
export async function skipSuppressedEverywhere(ctx: EngineContext): Promise<number> {
  let total = 0;
  for (const c of ctx.store.campaigns.list()) {
    const n = await inChunks(() => ctx.store.recipients.skipSuppressedChunk(c.id, ctx.clock.now()));
    if (n > 0) ctx.hub.emit('campaigns.changed', { campaignId: c.id });
    total += n;
  }
  return total;
}
