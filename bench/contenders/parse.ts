// The import reference: csv-parse alone over the same file, every record read, nothing stored.
// Usage: parse.ts <file> <rows>
import fs from 'node:fs';
import { parse } from 'csv-parse';
import { childMain } from '../lib/proc';
import { rssSampler } from '../lib/tray';

childMain(async () => {
  const [file, rowsArg] = process.argv.slice(2) as [string, string];
  const rss = rssSampler();
  const t0 = performance.now();
  let records = 0;
  for await (const _ of fs.createReadStream(file).pipe(parse({ bom: true, relax_column_count: true }))) records++;
  const ms = Math.round(performance.now() - t0);
  if (records !== Number(rowsArg) + 1) throw new Error(`parsed ${records} records`);
  return { rows: Number(rowsArg), ms, peakRssMb: rss.stop() };
});
