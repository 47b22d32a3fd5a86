// An import is all or nothing: every cell survives the staging step whatever characters it holds,
// a commit that fails part-way leaves the campaign exactly as it was, and one import commits once.
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../main/engine/errors';
import { Importer } from '../../main/engine/recipients/importer';
import { campaignSettings, type TestContext, testContext } from '../helpers/context';
import { csvText, writeFixture } from '../helpers/csv-fixtures';
import { picked } from '../helpers/files';
import { tmpDir } from '../helpers/tmp';

let dir: string;
let ctx: TestContext;
let importer: Importer;
let campaignId: number;

beforeEach(() => {
  dir = tmpDir();
  ctx = testContext(dir);
  importer = new Importer(ctx);
  campaignId = ctx.store.campaigns.create(campaignSettings(), Date.now()).id;
});
afterEach(async () => {
  await importer.dispose();
  ctx.hub.close();
  ctx.store.close();
});

const source = (file: string) => picked(ctx.files, file);
const rows = (n: number, cell: (i: number) => string = (i) => `Person ${i}`) => [
  ['email', 'name', 'note'],
  ...Array.from({ length: n }, (_, i) => [`p${i}@example.org`, `Name ${i}`, cell(i)]),
];
const count = () => ctx.store.recipients.list(campaignId, { limit: 1 }).total;

describe('staging', () => {
  it('keeps cells with U+2028, U+2029, NEL and other separators intact', async () => {
    const odd = ['line\u2028separator', 'para\u2029graph', 'next\u0085line', 'tab\there', 'form\ffeed', 'quote"s'];
    const file = writeFixture(dir, 'odd.csv', csvText(rows(6_000, (i) => odd[i % odd.length]!)));
    const p = await importer.preview(campaignId, source(file));
    const report = await importer.commit(p.importId, 0);
    expect(report).toMatchObject({ rowsRead: 6_000, added: 6_000, invalid: 0 });
    const first = ctx.store.recipients.list(campaignId, { limit: 12 }).rows;
    const byAddress = new Map(first.map((r) => [r.address, r.fields]));
    for (let i = 0; i < 6; i++) expect(byAddress.get(`p${i}@example.org`)!.note).toBe(odd[i]);
  });
});

describe('a commit that fails part-way', () => {
  it('writes nothing when the database refuses a row after 5,000 were written', async () => {
    // An earlier import the failed one must not disturb.
    const earlier = writeFixture(dir, 'earlier.csv', csvText([['email'], ['kept@example.org']]));
    await importer.commit((await importer.preview(campaignId, source(earlier))).importId, 0);
    const before = ctx.store.campaigns.get(campaignId)!;

    // A real failure from SQLite itself, injected from a second connection: row 5,500 is refused.
    const other = new Database(path.join(dir, 'db.sqlite'));
    other.exec(`CREATE TRIGGER refuse_row BEFORE INSERT ON recipients WHEN NEW.address_key = 'p5500@example.org'
      BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`);
    other.close();

    const file = writeFixture(dir, 'big.csv', csvText(rows(6_000)));
    const p = await importer.preview(campaignId, source(file));
    const err = await importer.commit(p.importId, 0).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).message).toMatch(/Nothing was imported/);
    expect(count()).toBe(1);
    const after = ctx.store.campaigns.get(campaignId)!;
    expect(after.fields).toEqual(before.fields);
    expect(after.status).toBe(before.status);
    expect(ctx.activities.filter((a) => a.message.startsWith('Imported'))).toHaveLength(1);

    // The same preview can be committed once the cause is gone.
    const fix = new Database(path.join(dir, 'db.sqlite'));
    fix.exec('DROP TRIGGER refuse_row');
    fix.close();
    const report = await importer.commit(p.importId, 0);
    expect(report.added).toBe(6_000);
    expect(count()).toBe(6_001);
  });
});

describe('one commit at a time', () => {
  it('answers a second parallel commit of the same import with a conflict', async () => {
    const file = writeFixture(dir, 'list.csv', csvText(rows(3_000)));
    const p = await importer.preview(campaignId, source(file));
    const results = await Promise.allSettled([importer.commit(p.importId, 0), importer.commit(p.importId, 0)]);
    expect(results[0]).toMatchObject({ status: 'fulfilled', value: { added: 3_000 } });
    expect(results[1]).toMatchObject({ status: 'rejected', reason: { code: 'conflict' } });
    expect(String((results[1] as PromiseRejectedResult).reason.message)).toMatch(/being imported right now/);
    expect(ctx.activities.filter((a) => a.message.startsWith('Imported'))).toHaveLength(1);
    expect(count()).toBe(3_000);
  });
});
