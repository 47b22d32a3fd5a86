import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../main/engine/errors';
import { IMPORT_TTL_MS, Importer, MAX_IMPORT_BYTES } from '../../main/engine/recipients/importer';
import type { EventPayloads } from '../../shared/contract';
import { campaignSettings, type TestContext, testContext } from '../helpers/context';
import {
  csvText,
  encode,
  GOOGLE_HEADER,
  googleContactsRows,
  OUTLOOK_HEADER,
  outlookRows,
  people,
  writeFixture,
} from '../helpers/csv-fixtures';
import { picked } from '../helpers/files';
import { ManualClock } from '../helpers/manual-clock';
import { tmpDir } from '../helpers/tmp';

let dir: string;
let ctx: TestContext;
let importer: Importer;
let campaignId: number;
let progress: EventPayloads['import.progress'][];

beforeEach(() => {
  dir = tmpDir();
  ctx = testContext(dir);
  importer = new Importer(ctx);
  campaignId = ctx.store.campaigns.create(campaignSettings(), Date.now()).id;
  progress = [];
  ctx.hub.subscribe((event, payload) => {
    if (event === 'import.progress') progress.push(payload as EventPayloads['import.progress']);
  });
});
afterEach(async () => {
  await importer.dispose();
  ctx.hub.close();
  ctx.store.close();
});

const all = (id = campaignId) => ctx.store.recipients.list(id, { limit: 500 });

async function rejects(p: Promise<unknown> | (() => unknown), code: string, message: RegExp) {
  const run = typeof p === 'function' ? Promise.resolve().then(p) : p;
  const err = await run.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).code).toBe(code);
  expect((err as AppError).message).toMatch(message);
}

describe('spreadsheet exports', () => {
  it('imports a Google Contacts export saved by Excel as "Unicode text" (UTF-16LE, BOM, tabs)', async () => {
    const list = people(30);
    const file = writeFixture(dir, 'google.txt', encode(csvText(googleContactsRows(list), '\t'), 'utf16le-bom'));

    const preview = await importer.preview(campaignId, picked(ctx.files, file));
    expect(preview).toMatchObject({
      fileName: 'google.txt',
      sizeBytes: fs.statSync(file).size,
      encoding: 'UTF-16LE',
      delimiter: '\t',
      emailColumn: GOOGLE_HEADER.indexOf('E-mail 1 - Value'),
      nameColumn: GOOGLE_HEADER.indexOf('Name'),
    });
    expect(preview.rows).toHaveLength(20);
    expect(preview.rows[0]).toHaveLength(GOOGLE_HEADER.length);
    expect(preview.columns.map((c) => c.label)).toEqual(GOOGLE_HEADER);
    expect(preview.columns[GOOGLE_HEADER.indexOf('E-mail 1 - Value')]!.key).toBe('e_mail_1_value');

    const report = await importer.commit(preview.importId, preview.emailColumn!);
    expect(report).toEqual({
      importId: preview.importId,
      rowsRead: 30,
      added: 30,
      duplicates: 0,
      suppressed: 0,
      invalid: 0,
      issues: [],
      duplicateRows: [],
    });
    const { rows, total } = all();
    expect(total).toBe(30);
    expect(rows[0]).toMatchObject({ address: 'person1@example.com', state: 'queued' });
    expect(rows[0]!.fields).toMatchObject({
      name: 'First1 Last1',
      given_name: 'First1',
      e_mail_1_value: 'person1@example.com',
      e_mail_1_type: '* Home',
    });
    expect(Object.keys(rows[0]!.fields)).toHaveLength(GOOGLE_HEADER.length);
    expect(ctx.store.campaigns.get(campaignId)!.fields).toEqual(preview.columns);
  });

  it('imports an Outlook export in Windows-1252 with accented names', async () => {
    const list = [
      { first: 'José', last: 'Müller', email: 'jose@example.com', company: 'Café Größe' },
      { first: 'Jürgen', last: 'Weiß', email: 'juergen@example.de', company: 'Straße AG' },
      { first: 'Zoë', last: 'Dupré', email: 'zoe@example.fr', company: 'Crème' },
    ];
    const file = writeFixture(dir, 'outlook.csv', encode(csvText(outlookRows(list)), 'windows1252'));

    const preview = await importer.preview(campaignId, picked(ctx.files, file));
    expect(preview).toMatchObject({
      encoding: 'Windows-1252',
      delimiter: ',',
      emailColumn: OUTLOOK_HEADER.indexOf('E-mail Address'),
      nameColumn: OUTLOOK_HEADER.indexOf('First Name'),
    });
    expect(preview.rows[0]![0]).toBe('José');

    const report = await importer.commit(preview.importId, preview.emailColumn!);
    expect(report).toMatchObject({ rowsRead: 3, added: 3, duplicates: 0, suppressed: 0, invalid: 0 });
    const fields = all().rows.map((r) => r.fields);
    expect(fields.map((f) => [f.first_name, f.last_name, f.company])).toEqual([
      ['José', 'Müller', 'Café Größe'],
      ['Jürgen', 'Weiß', 'Straße AG'],
      ['Zoë', 'Dupré', 'Crème'],
    ]);
    expect(fields[0]!.e_mail_display_name).toBe('José Müller (jose@example.com)');
  });

  it('reads a sep=; file with BOM, quoted multi-line values, CRLF, blank lines and ragged rows', async () => {
    const text =
      'sep=;\r\n' +
      'E-mail;Name;Address;;Name\r\n' +
      'ann@example.com;"Doe; Ann";"1 Main St\r\nFlat 2";x;Annie\r\n' +
      '\r\n' +
      'bob@example.com;Bob\r\n' +
      ';;;\r\n' +
      'cy@example.com;Cy;"He said ""hi""";y;Cyril;extra;more\r\n' +
      '\r\n';
    const file = writeFixture(dir, 'semicolon.csv', encode(text, 'utf8-bom'));

    const preview = await importer.preview(campaignId, picked(ctx.files, file));
    expect(preview).toMatchObject({ encoding: 'UTF-8 (BOM)', delimiter: ';', emailColumn: 0, nameColumn: 1 });
    expect(preview.columns).toEqual([
      { key: 'e_mail', label: 'E-mail' },
      { key: 'name', label: 'Name' },
      { key: 'address', label: 'Address' },
      { key: 'column_4', label: 'column_4' },
      { key: 'name_2', label: 'Name_2' },
    ]);
    expect(preview.rows).toEqual([
      ['ann@example.com', 'Doe; Ann', '1 Main St\r\nFlat 2', 'x', 'Annie'],
      ['bob@example.com', 'Bob', '', '', ''],
      ['cy@example.com', 'Cy', 'He said "hi"', 'y', 'Cyril'],
    ]);

    const report = await importer.commit(preview.importId, 0);
    expect(report).toMatchObject({ rowsRead: 3, added: 3, invalid: 0 });
    const [ann, bob, cy] = all().rows;
    expect(ann!.fields).toEqual({
      e_mail: 'ann@example.com',
      name: 'Doe; Ann',
      address: '1 Main St\r\nFlat 2',
      column_4: 'x',
      name_2: 'Annie',
    });
    expect(bob!.fields).toEqual({ e_mail: 'bob@example.com', name: 'Bob', address: '', column_4: '', name_2: '' });
    expect(cy!.fields.address).toBe('He said "hi"');
  });

  it('takes an upload, keeps it under dataDir/tmp until the commit, then removes it', async () => {
    const body = encode(
      csvText([
        ['email', 'first_name'],
        ['a@example.com', 'Ann'],
        ['b@example.com', 'Bob'],
      ]),
      'utf8',
    );
    const preview = await importer.preview(campaignId, {
      upload: { name: 'C:\\Users\\me\\list.csv', base64: body.toString('base64') },
    });
    expect(preview.fileName).toBe('list.csv');
    expect(fs.readdirSync(path.join(dir, 'tmp'))).toEqual([`${preview.importId}.upload`]);
    const report = await importer.commit(preview.importId, 0);
    expect(report).toMatchObject({ added: 2 });
    expect(fs.readdirSync(path.join(dir, 'tmp'))).toEqual([`${preview.importId}.rejected.csv`]);
  });
});

describe('validation and dedup', () => {
  it('counts duplicates, suppressed and invalid rows exactly and exports the rejected rows', async () => {
    ctx.store.suppressions.add(
      [{ address: 'Blocked@Example.com', key: 'blocked@example.com' }],
      'unsubscribed',
      't',
      1,
    );
    const rows = [
      ['Email', 'Name', 'Note'],
      ['ann@example.com', 'Ann', ''], // 1
      ['ANN@example.com', 'Ann again', ''], // 2 duplicate (case)
      ['Bob Roe <Bob@Example.com>', 'Bob', ''], // 3
      ['blocked@example.com', 'Blocked', ''], // 4 suppressed
      ['a@x.com, b@y.com', 'Two', ''], // 5 invalid: several
      ['not-an-address', '=HYPERLINK("http://evil")', '+1'], // 6 invalid, formula cells
      ['', 'No address', ''], // 7 invalid: empty
      ['cy@example.com', 'Cy', '-'], // 8
      ['bob@example.com', 'Bob dup', ''], // 9 duplicate
    ];
    const file = writeFixture(dir, 'mixed.csv', csvText(rows));
    const preview = await importer.preview(campaignId, picked(ctx.files, file));
    expect(preview.emailColumn).toBe(0);
    const report = await importer.commit(preview.importId, 0);
    expect(report).toMatchObject({ rowsRead: 9, added: 3, duplicates: 2, suppressed: 1, invalid: 3 });
    expect(report.issues).toEqual([
      { row: 5, value: 'a@x.com, b@y.com', reason: expect.stringMatching(/several addresses/) },
      { row: 6, value: 'not-an-address', reason: 'The address has no @' },
      { row: 7, value: '', reason: 'The address is empty' },
    ]);
    expect(all().rows.map((r) => [r.address, r.fields.name])).toEqual([
      ['ann@example.com', 'Ann'],
      ['Bob@Example.com', 'Bob'],
      ['cy@example.com', 'Cy'],
    ]);
    expect(all().rows[1]!.fields.email).toBe('Bob Roe <Bob@Example.com>');

    const rejected = importer.rejectedCsv(preview.importId);
    expect(rejected.filename).toBe('mixed-rejected.csv');
    expect(rejected.contentType).toBe('text/csv');
    // Every row left out, in file order, whatever the reason.
    expect(rejected.content.split('\r\n')).toEqual([
      '\ufeffrow,reason,Email,Name,Note',
      '2,Already in this campaign (from an earlier row or import),ANN@example.com,Ann again,',
      '4,On the suppression list,blocked@example.com,Blocked,',
      '5,The cell holds several addresses; put each address on its own row,"a@x.com, b@y.com",Two,',
      `6,The address has no @,not-an-address,"'=HYPERLINK(""http://evil"")",'+1`,
      '7,The address is empty,,No address,',
      '9,Already in this campaign (from an earlier row or import),bob@example.com,Bob dup,',
      '',
    ]);
  });

  it('reports the first 100 invalid rows and exports all of them', async () => {
    const rows = [['email'], ['good@example.com'], ...Array.from({ length: 150 }, (_, i) => [`bad-${i}`])];
    const file = writeFixture(dir, 'many-bad.csv', csvText(rows));
    const p = await importer.preview(campaignId, picked(ctx.files, file));
    const report = await importer.commit(p.importId, 0);
    expect(report).toMatchObject({ rowsRead: 151, added: 1, invalid: 150 });
    expect(report.issues).toHaveLength(100);
    expect(report.issues[0]).toEqual({ row: 2, value: 'bad-0', reason: 'The address has no @' });
    expect(report.issues[99]!.row).toBe(101);
    const lines = importer.rejectedCsv(p.importId).content.trimEnd().split('\r\n');
    expect(lines).toHaveLength(151);
    expect(lines[150]).toBe('151,The address has no @,bad-149');
  });

  it('dedupes against earlier imports and merges the merge fields', async () => {
    const first = writeFixture(
      dir,
      'a.csv',
      csvText([
        ['email', 'first_name'],
        ['a@x.com', 'A'],
        ['b@x.com', 'B'],
      ]),
    );
    const p1 = await importer.preview(campaignId, picked(ctx.files, first));
    await importer.commit(p1.importId, 0);

    const second = writeFixture(
      dir,
      'b.csv',
      csvText([
        ['Email', 'City', 'first name'],
        ['B@X.com', 'Rome', 'Bee'],
        ['c@x.com', 'Oslo', 'C'],
      ]),
    );
    const p2 = await importer.preview(campaignId, picked(ctx.files, second));
    const report = await importer.commit(p2.importId, 0);
    expect(report).toMatchObject({ rowsRead: 2, added: 1, duplicates: 1 });
    expect(all().rows.map((r) => r.address)).toEqual(['a@x.com', 'b@x.com', 'c@x.com']);
    expect(all().rows[1]!.fields).toEqual({ email: 'b@x.com', first_name: 'B' });
    expect(ctx.store.campaigns.get(campaignId)!.fields).toEqual([
      { key: 'email', label: 'email' },
      { key: 'first_name', label: 'first_name' },
      { key: 'city', label: 'City' },
    ]);
  });

  it('exports the duplicates of an earlier import with every cell of the file, formula-safe', async () => {
    const first = writeFixture(dir, 'first.csv', csvText([['email'], ['a@x.com']]));
    const p1 = await importer.preview(campaignId, picked(ctx.files, first));
    await importer.commit(p1.importId, 0);

    const second = writeFixture(
      dir,
      'second.csv',
      csvText([
        ['Email', 'Secret', 'Name'],
        ['A@X.com', '=cmd|"/c calc"!A1', 'A again'], // 1 duplicate of the earlier import
        ['+tag@x.com', 's', 'Plus'], // 2
        ['+TAG@x.com', '-1', 'Plus again'], // 3 duplicate of row 2
        ['nope', '@SUM(1)', 'Bad'], // 4 invalid
      ]),
    );
    const p2 = await importer.preview(campaignId, picked(ctx.files, second));
    // The column left out of the campaign is still in the export: it is the file's row.
    const report = await importer.commit(p2.importId, 0, [0, 2]);
    expect(report).toMatchObject({ added: 1, duplicates: 2, invalid: 1 });
    const lines = importer.rejectedCsv(p2.importId).content.split('\r\n');
    expect(lines).toEqual([
      '\ufeffrow,reason,Email,Secret,Name',
      `1,Already in this campaign (from an earlier row or import),A@X.com,"'=cmd|""/c calc""!A1",A again`,
      // A plain address stays as written behind its + (no formula); other cells get the guard.
      "3,Already in this campaign (from an earlier row or import),+TAG@x.com,'-1,Plus again",
      "4,The address has no @,nope,'@SUM(1),Bad",
      '',
    ]);
    // The export goes back in as the same rows: the guards come off, the addresses are kept.
    const back = writeFixture(dir, 'back.csv', lines.join('\r\n').replace(/^\ufeff/, ''));
    const other = ctx.store.campaigns.create(campaignSettings('Back in'), Date.now()).id;
    const p3 = await importer.preview(other, picked(ctx.files, back));
    expect(p3.rows[0]).toEqual([
      '1',
      'Already in this campaign (from an earlier row or import)',
      'A@X.com',
      '=cmd|"/c calc"!A1',
      'A again',
    ]);
    expect(p3.rows[1]![2]).toBe('+TAG@x.com');
  });

  it('keeps only the chosen columns plus the email column', async () => {
    const file = writeFixture(
      dir,
      'cols.csv',
      csvText([
        ['Name', 'Secret', 'Mail', 'City'],
        ['Ann', 's1', 'ann@x.com', 'Rome'],
      ]),
    );
    const p = await importer.preview(campaignId, picked(ctx.files, file));
    expect(p.emailColumn).toBe(2);
    await importer.commit(p.importId, 2, [3, 0]);
    expect(all().rows[0]!.fields).toEqual({ name: 'Ann', mail: 'ann@x.com', city: 'Rome' });
    expect(ctx.store.campaigns.get(campaignId)!.fields.map((f) => f.key)).toEqual(['name', 'mail', 'city']);
  });

  it('refuses a second commit of the same import', async () => {
    const file = writeFixture(dir, 'once.csv', csvText([['email'], ['a@x.com']]));
    const p = await importer.preview(campaignId, picked(ctx.files, file));
    await importer.commit(p.importId, 0);
    await rejects(importer.commit(p.importId, 0), 'conflict', /already been imported/);
    expect(all().total).toBe(1);
  });
});

describe('campaign state, progress and wake', () => {
  it('queues into a sending campaign, reports progress phases, and wakes the sender', async () => {
    ctx.store.campaigns.forceStatusForTests(campaignId, 'sending', null, Date.now());
    const file = writeFixture(dir, 'big.csv', csvText([['email'], ...people(2_500).map((p) => [p.email])]));
    const p = await importer.preview(campaignId, picked(ctx.files, file));
    const before = ctx.wakes;
    const report = await importer.commit(p.importId, 0);
    expect(report.added).toBe(2_500);
    expect(ctx.wakes).toBe(before + 1);
    expect(ctx.store.recipients.counts(campaignId).queued).toBe(2_500);
    const last = progress[progress.length - 1]!;
    expect(last).toEqual({
      importId: p.importId,
      phase: 'done',
      rowsRead: 2_500,
      bytesRead: fs.statSync(file).size,
      totalBytes: fs.statSync(file).size,
    });
    expect(progress[0]!.phase).toBe('reading');
    expect(ctx.activities.at(-1)!.message).toMatch(/Imported 2500 recipients from big\.csv/);
  });

  it.each(['done', 'cancelled'] as const)('refuses a %s campaign at preview and at commit', async (status) => {
    const file = writeFixture(dir, 'x.csv', csvText([['email'], ['a@x.com']]));
    const p = await importer.preview(campaignId, picked(ctx.files, file));
    ctx.store.campaigns.forceStatusForTests(campaignId, status, null, Date.now());
    await rejects(importer.commit(p.importId, 0), 'conflict', /recipients cannot be added/);
    await rejects(importer.preview(campaignId, picked(ctx.files, file)), 'conflict', /Create a new campaign/);
    expect(all().total).toBe(0);
  });

  it('refuses an unknown campaign', async () => {
    const file = writeFixture(dir, 'x.csv', csvText([['email'], ['a@x.com']]));
    await rejects(importer.preview(9999, picked(ctx.files, file)), 'not_found', /campaign/);
  });
});

describe('bad input writes nothing', () => {
  const assertNothingWritten = () => {
    expect(all().total).toBe(0);
    expect(ctx.store.campaigns.get(campaignId)!.fields).toEqual([]);
  };

  const previewCases: [label: string, body: Buffer | string, message: RegExp][] = [
    ['an empty file', '', /empty/],
    ['only blank lines', '\r\n\r\n  \r\n', /empty/],
    ['only a BOM', encode('', 'utf8-bom'), /empty/],
    ['a binary file', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), /not a text file/],
    ['an Excel workbook', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 6, 0, 8, 0]), /Excel workbook.*CSV UTF-8/],
    [
      'no header row',
      csvText([
        ['ann@example.com', 'Ann'],
        ['bob@example.com', 'Bob'],
      ]),
      /no header row/,
    ],
    ['a header and no rows', 'email,name\r\n', /no recipients below it/],
    ['a sep= line and nothing else', 'sep=;\r\n', /empty/],
    ['a quote left open in the first rows', 'email,name\r\na@x.com,"Ann\r\n', /never closed/],
  ];
  it.each(previewCases)('preview refuses %s', async (_label, body, message) => {
    const file = writeFixture(dir, 'bad.csv', body);
    await rejects(importer.preview(campaignId, picked(ctx.files, file)), 'import_invalid', message);
    assertNothingWritten();
  });

  it('refuses a missing file and a folder', async () => {
    await rejects(
      importer.preview(campaignId, picked(ctx.files, path.join(dir, 'gone.csv'))),
      'import_invalid',
      /not found/,
    );
    await rejects(importer.preview(campaignId, picked(ctx.files, dir)), 'import_invalid', /folder/);
  });

  it('refuses a file over the size limit and says the limit', async () => {
    const file = path.join(dir, 'huge.csv');
    fs.writeFileSync(file, 'email\r\n');
    fs.truncateSync(file, MAX_IMPORT_BYTES + 1);
    await rejects(importer.preview(campaignId, picked(ctx.files, file)), 'import_invalid', /up to 200 MiB/);
    assertNothingWritten();
  });

  it('removes a refused upload', async () => {
    const upload = { name: 'bad.csv', base64: Buffer.from([0, 1, 2, 3, 0, 0]).toString('base64') };
    await rejects(importer.preview(campaignId, { upload }), 'import_invalid', /not a text file/);
    expect(fs.readdirSync(path.join(dir, 'tmp'))).toEqual([]);
  });

  it('refuses a commit whose column holds no valid address', async () => {
    const file = writeFixture(
      dir,
      'names.csv',
      csvText([
        ['Name', 'Email'],
        ['Ann', ''],
        ['Bob', 'n/a'],
      ]),
    );
    const p = await importer.preview(campaignId, picked(ctx.files, file));
    expect(p.emailColumn).toBe(1);
    await rejects(importer.commit(p.importId, 1), 'import_invalid', /No row has a valid address in column "Email"/);
    await rejects(importer.commit(p.importId, 0), 'import_invalid', /column "Name"/);
    assertNothingWritten();
    expect(progress.some((e) => e.phase === 'writing' || e.phase === 'done')).toBe(false);
  });

  it('refuses a file whose quotes break after the preview rows, before writing any row', async () => {
    const rows = csvText([['email', 'name'], ...people(50).map((p) => [p.email, p.first])]);
    const file = writeFixture(dir, 'late.csv', `${rows}zed@example.com,"never closed\r\nmore@example.com,x\r\n`);
    const p = await importer.preview(campaignId, picked(ctx.files, file));
    expect(p.rows).toHaveLength(20);
    await rejects(importer.commit(p.importId, 0), 'import_invalid', /never closed/);
    assertNothingWritten();
  });

  it('refuses an unknown or expired import and column numbers outside the file', async () => {
    await rejects(
      importer.commit('no-such-import', 0),
      'import_invalid',
      /The import has expired; drop the file again/,
    );
    await rejects(() => importer.rejectedCsv('no-such-import'), 'import_invalid', /expired/);

    const clock = new ManualClock(Date.now());
    const timed = new Importer({ ...ctx, clock });
    const file = writeFixture(dir, 'x.csv', csvText([['email'], ['a@x.com']]));
    const p = await timed.preview(campaignId, picked(ctx.files, file));
    await rejects(timed.commit(p.importId, 5), 'invalid_input', /pick one of them/);
    await rejects(timed.commit(p.importId, 0, [0, 3]), 'invalid_input', /Column 4 does not exist/);
    await rejects(() => timed.rejectedCsv(p.importId), 'conflict', /Import the file first/);
    clock.advance(IMPORT_TTL_MS + 1);
    await rejects(timed.commit(p.importId, 0), 'import_invalid', /expired/);
    assertNothingWritten();
  });

  it('refuses a file that changed since the preview', async () => {
    const file = writeFixture(dir, 'x.csv', csvText([['email'], ['a@x.com']]));
    const p = await importer.preview(campaignId, picked(ctx.files, file));
    fs.appendFileSync(file, 'b@x.com\r\n');
    await rejects(importer.commit(p.importId, 0), 'import_invalid', /changed or disappeared/);
    assertNothingWritten();
  });
});
