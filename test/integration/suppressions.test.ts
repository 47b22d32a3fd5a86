import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recipientsHandlers } from '../../main/engine/api/recipients-api';
import { suppressionsHandlers } from '../../main/engine/api/suppressions-api';
import { AppError } from '../../main/engine/errors';
import { Importer } from '../../main/engine/recipients/importer';
import { BULK_CHUNK } from '../../main/engine/store/recipients';
import { campaignSettings, type TestContext, testContext } from '../helpers/context';
import { csvText, encode, writeFixture } from '../helpers/csv-fixtures';
import { picked } from '../helpers/files';
import { tmpDir } from '../helpers/tmp';

let dir: string;
let ctx: TestContext;
let importer: Importer;
let api: ReturnType<typeof recipientsHandlers> & ReturnType<typeof suppressionsHandlers>;

beforeEach(() => {
  dir = tmpDir();
  ctx = testContext(dir);
  importer = new Importer(ctx);
  api = { ...recipientsHandlers(ctx, importer), ...suppressionsHandlers(ctx) };
});
afterEach(async () => {
  await importer.dispose();
  ctx.hub.close();
  ctx.store.close();
});

const listAll = () => ctx.store.suppressions.list({ limit: 500 });
const keys = () =>
  listAll()
    .rows.map((s) => s.address.toLowerCase())
    .sort();

async function rejects(p: unknown, code: string, message: RegExp) {
  const err = await Promise.resolve(p).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).code).toBe(code);
  expect((err as AppError).message).toMatch(message);
}

function campaignWith(addresses: string[], state: 'queued' | 'sent' = 'queued') {
  const c = ctx.store.campaigns.create(campaignSettings(`c${Math.random()}`), Date.now());
  ctx.store.recipients.insertMany(
    c.id,
    addresses.map((a) => ({ address: a, addressKey: a.toLowerCase(), fields: {} })),
    Date.now(),
    state,
  );
  return c.id;
}

describe('suppressions.add and remove', () => {
  it('adds valid addresses once each, by lower-cased key', async () => {
    expect(
      await api['suppressions.add']({ addresses: ['Ann@Example.com', 'Bob <bob@example.com>'], reason: 'manual' }),
    ).toEqual({
      added: 2,
    });
    expect(
      await api['suppressions.add']({ addresses: ['ann@example.com', 'cy@example.com'], reason: 'bounced' }),
    ).toEqual({
      added: 1,
    });
    const rows = listAll().rows;
    expect(rows.map((r) => [r.address, r.reason, r.source]).sort()).toEqual([
      ['Ann@Example.com', 'manual', 'manual'],
      ['bob@example.com', 'manual', 'manual'],
      ['cy@example.com', 'bounced', 'manual'],
    ]);
  });

  it('refuses the whole list when one address is invalid, naming it', async () => {
    await rejects(
      api['suppressions.add']({ addresses: ['ok@example.com', 'broken@', 'also bad'], reason: 'manual' }),
      'invalid_input',
      /"broken@" is not a valid address: There is nothing after the @/,
    );
    expect(listAll().total).toBe(0);
  });

  it('skips queued recipients of every campaign, leaving sent ones alone', async () => {
    const a = campaignWith(['x@example.com', 'keep@example.com']);
    const b = campaignWith(['X@Example.com']);
    const sent = campaignWith(['x@example.com'], 'sent');
    await api['suppressions.add']({ addresses: ['x@EXAMPLE.com'], reason: 'unsubscribed' });
    expect(ctx.store.recipients.counts(a)).toMatchObject({ queued: 1, skipped: 1 });
    expect(ctx.store.recipients.counts(b)).toMatchObject({ queued: 0, skipped: 1 });
    expect(ctx.store.recipients.counts(sent)).toMatchObject({ sent: 1, skipped: 0 });
    const skipped = ctx.store.recipients.list(a, { state: 'skipped', limit: 10 }).rows[0]!;
    expect(skipped.lastError).toMatch(/suppression list/);
  });

  it('skips more queued rows than one store chunk', async () => {
    const n = BULK_CHUNK + 5;
    const addresses = Array.from({ length: n }, (_, i) => `p${i}@example.com`);
    const c = campaignWith(addresses);
    for (let i = 0; i < n; i += 5_000) {
      await api['suppressions.add']({ addresses: addresses.slice(i, i + 5_000), reason: 'manual' });
    }
    expect(ctx.store.recipients.counts(c)).toMatchObject({ queued: 0, skipped: n });
  });

  it('removes by key, whatever the case', async () => {
    await api['suppressions.add']({ addresses: ['ann@example.com', 'bob@example.com'], reason: 'manual' });
    expect(api['suppressions.remove']({ addresses: ['ANN@example.com', 'nobody@example.com'] })).toEqual({
      removed: 1,
      entries: [expect.objectContaining({ address: 'ann@example.com', reason: 'manual' })],
    });
    expect(keys()).toEqual(['bob@example.com']);
  });

  it('undoes a removal: the entries come back as they were and skip their queued recipients again', async () => {
    const c = campaignWith(['Ann@example.com']);
    ctx.store.suppressions.add(
      [{ address: 'Ann@example.com', key: 'ann@example.com' }],
      'bounced',
      'campaign 7',
      1_234,
    );
    const { entries } = await api['suppressions.remove']({ addresses: ['ann@example.com'] });
    expect(keys()).toEqual([]);
    expect(await api['suppressions.restore']({ entries })).toEqual({ restored: 1 });
    expect(listAll().rows).toEqual([
      { address: 'Ann@example.com', reason: 'bounced', source: 'campaign 7', createdAt: 1_234 },
    ]);
    expect(ctx.store.recipients.list(c, { limit: 10 }).rows[0]).toMatchObject({
      state: 'skipped',
      skipReason: 'suppressed',
    });
    // A second undo of the same entries changes nothing.
    expect(await api['suppressions.restore']({ entries })).toEqual({ restored: 0 });
  });

  it('lists with search and paging', async () => {
    await api['suppressions.add']({ addresses: ['ann@a.com', 'bob@b.com', 'anna@c.com'], reason: 'manual' });
    const found = await api['suppressions.list']({ search: 'ann', limit: 1 });
    expect(found.total).toBe(2);
    expect(found.rows).toHaveLength(1);
    const rest = await api['suppressions.list']({ search: 'ann', limit: 1, after: found.next! });
    expect([...found.rows, ...rest.rows].map((r) => r.address).sort()).toEqual(['ann@a.com', 'anna@c.com']);
    expect(rest.next).toBeNull();
  });

  it('pages newest first by keyset through entries added in the same millisecond', () => {
    const items = Array.from({ length: 25 }, (_, i) => ({ address: `p${i}@x.test`, key: `p${i}@x.test` }));
    ctx.store.suppressions.add(items.slice(0, 10), 'manual', 'old', 1_000);
    ctx.store.suppressions.add(items.slice(10), 'manual', 'new', 2_000);
    const seen: string[] = [];
    let after: string | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const page = ctx.store.suppressions.list({ limit: 7, ...(after ? { after } : {}) });
      expect(page.total).toBe(25);
      seen.push(...page.rows.map((r) => r.address));
      if (page.next === null) break;
      after = page.next;
    }
    expect(seen).toHaveLength(25);
    expect(new Set(seen).size).toBe(25);
    expect(seen.slice(0, 15).every((a) => Number(a.slice(1, -7)) >= 10)).toBe(true);
  });
});

describe('suppressions.import', () => {
  it('reads the guessed address column of a semicolon file with a header', async () => {
    const file = writeFixture(
      dir,
      'unsubscribed.csv',
      encode(
        csvText(
          [
            ['Name', 'E-mail Address', 'Date'],
            ['Ann', 'ann@example.com', '2026-01-01'],
            ['Bob', 'BOB@example.com', '2026-01-02'],
            ['Bad', 'not an address', '2026-01-03'],
            ['Two', 'a@x.com; b@x.com', '2026-01-04'],
          ],
          ';',
        ),
        'windows1252',
      ),
    );
    const c = campaignWith(['bob@example.com']);
    expect(await api['suppressions.import']({ source: picked(ctx.files, file), reason: 'unsubscribed' })).toEqual({
      added: 2,
      invalid: 2,
    });
    expect(
      listAll()
        .rows.map((s) => [s.address, s.reason, s.source])
        .sort(),
    ).toEqual([
      ['BOB@example.com', 'unsubscribed', 'import: unsubscribed.csv'],
      ['ann@example.com', 'unsubscribed', 'import: unsubscribed.csv'],
    ]);
    expect(ctx.store.recipients.counts(c)).toMatchObject({ skipped: 1, queued: 0 });
  });

  it('reads a plain list of addresses without a header, from an upload', async () => {
    const body = 'ann@example.com\r\nbob@example.com\r\n\r\nann@example.com\r\n';
    const upload = { name: 'list.txt', base64: Buffer.from(body).toString('base64') };
    expect(await api['suppressions.import']({ source: { upload }, reason: 'bounced' })).toEqual({
      added: 2,
      invalid: 0,
    });
    expect(keys()).toEqual(['ann@example.com', 'bob@example.com']);
  });

  const refused: [label: string, body: string | Buffer, message: RegExp][] = [
    ['an empty file', '', /empty/],
    [
      'a file without addresses',
      csvText([
        ['Name', 'City'],
        ['Ann', 'Rome'],
      ]),
      /No column of bad\.csv holds email/,
    ],
    ['an address header with nothing valid below', csvText([['Email'], ['n/a'], ['tbd']]), /No row of bad\.csv/],
    ['a binary file', Buffer.from([0, 1, 2, 3, 4, 0, 0, 0]), /not a text file/],
  ];
  it.each(refused)('refuses %s and adds nothing', async (_label, body, message) => {
    const file = writeFixture(dir, 'bad.csv', body);
    await rejects(
      api['suppressions.import']({ source: picked(ctx.files, file), reason: 'manual' }),
      'import_invalid',
      message,
    );
    expect(listAll().total).toBe(0);
  });
});

describe('suppressions.export', () => {
  it('writes address, reason, source and ISO time, formula-safe', async () => {
    ctx.store.suppressions.add(
      [
        { address: 'ann@example.com', key: 'ann@example.com' },
        { address: '+list@example.com', key: '+list@example.com' },
        { address: '-x@example.com', key: '-x@example.com' },
      ],
      'complained',
      '=cmd|"/c calc"!A1',
      Date.UTC(2026, 0, 5, 9, 30),
    );
    const out = await api['suppressions.export']({});
    expect(out.filename).toMatch(/^suppressions-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(out.contentType).toBe('text/csv');
    expect(out.content.split('\r\n')).toEqual([
      '\ufeffaddress,reason,source,added',
      // A plain address behind + or - is no formula: it stays as written, so the file re-imports.
      `+list@example.com,complained,"'=cmd|""/c calc""!A1",2026-01-05T09:30:00.000Z`,
      `-x@example.com,complained,"'=cmd|""/c calc""!A1",2026-01-05T09:30:00.000Z`,
      `ann@example.com,complained,"'=cmd|""/c calc""!A1",2026-01-05T09:30:00.000Z`,
      '',
    ]);
  });
});

describe('recipients handlers', () => {
  it('lists a campaign and refuses an unknown one', async () => {
    const c = campaignWith(['a@x.com', 'b@x.com']);
    expect((await api['recipients.list']({ campaignId: c, limit: 1 })).total).toBe(2);
    expect(() => api['recipients.list']({ campaignId: 999, limit: 1 })).toThrow(/campaign was not found/);
  });

  it('runs preview, commit and rejected export through the handlers', async () => {
    const c = campaignWith([]);
    const file = writeFixture(dir, 'r.csv', csvText([['email'], ['a@x.com'], ['nope']]));
    const preview = await api['recipients.importPreview']({ campaignId: c, source: picked(ctx.files, file) });
    const report = await api['recipients.importCommit']({ importId: preview.importId, emailColumn: 0 });
    expect(report).toMatchObject({ added: 1, invalid: 1 });
    const rejected = await api['recipients.exportRejected']({ importId: preview.importId });
    expect(rejected.content).toContain('2,The address has no @,nope');
    expect(path.basename(rejected.filename)).toBe('r-rejected.csv');
  });
});
