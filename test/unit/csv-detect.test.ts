import { describe, expect, it } from 'vitest';
import {
  detectDelimiter,
  detectEncoding,
  fieldKey,
  guessEmailColumn,
  guessNameColumn,
  mergeFields,
  uniqueLabels,
} from '../../main/engine/recipients/detect';
import {
  csvText,
  encode,
  GOOGLE_HEADER,
  googleContactsRows,
  OUTLOOK_HEADER,
  outlookRows,
  people,
} from '../helpers/csv-fixtures';

const accented = csvText([
  ['email', 'name'],
  ['jose@example.com', 'José Müller'],
  ['grosse@example.de', 'Jürgen Großmann'],
  ['zoe@example.fr', 'Zoë Hélène Dupré'],
]);

describe('detectEncoding', () => {
  const cases: [label: string, body: Buffer, name: string, shown: string][] = [
    ['plain ASCII', encode('email,name\r\na@x.com,A\r\n', 'utf8'), 'utf8', 'UTF-8'],
    ['UTF-8 with accents', encode(accented, 'utf8'), 'utf8', 'UTF-8'],
    ['UTF-8 with BOM', encode(accented, 'utf8-bom'), 'utf8', 'UTF-8 (BOM)'],
    ['UTF-16LE with BOM (Excel "Unicode text")', encode(accented, 'utf16le-bom'), 'utf16le', 'UTF-16LE'],
    ['UTF-16BE with BOM', encode(accented, 'utf16be-bom'), 'utf16be', 'UTF-16BE'],
    ['UTF-16LE without BOM', encode(accented, 'utf16le-bom').subarray(2), 'utf16le', 'UTF-16LE'],
    ['Windows-1252 from older Excel', encode(accented, 'windows1252'), 'windows1252', 'Windows-1252'],
  ];
  it.each(cases)('%s', (_label, body, name, shown) => {
    expect(detectEncoding(body)).toEqual({ ok: true, encoding: { name, label: shown } });
  });

  it('keeps a UTF-8 character cut at the end of the sample as UTF-8', () => {
    const body = encode('email,name\r\na@x.com,Zoë', 'utf8');
    expect(detectEncoding(body.subarray(0, body.length - 1))).toMatchObject({ ok: true, encoding: { name: 'utf8' } });
  });

  const refused: [label: string, body: Buffer, problem: string][] = [
    ['an .xlsx workbook (zip)', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00]), 'excel-workbook'],
    ['an .xls workbook', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), 'excel-workbook'],
    ['a PDF', Buffer.from('%PDF-1.7\n%âãÏÓ\n', 'latin1'), 'pdf'],
    ['NUL bytes', Buffer.from('email,name\n\0\0\x01\x02binary\0', 'latin1'), 'binary'],
    ['control bytes', Buffer.from(Array.from({ length: 200 }, (_, i) => (i % 3 === 0 ? 0x01 : 0x41))), 'binary'],
  ];
  it.each(refused)('refuses %s', (_label, body, problem) => {
    expect(detectEncoding(body)).toEqual({ ok: false, problem });
  });
});

describe('detectDelimiter', () => {
  const rows = [
    ['email', 'name', 'city'],
    ['a@x.com', 'Ann', 'Paris'],
    ['b@x.com', 'Bob', 'Rome'],
  ];
  const cases: [label: string, text: string, delimiter: string, sepLine: boolean][] = [
    ['comma', csvText(rows, ','), ',', false],
    ['semicolon', csvText(rows, ';'), ';', false],
    ['tab', csvText(rows, '\t'), '\t', false],
    ['pipe', csvText(rows, '|'), '|', false],
    ['Excel sep= line', `sep=;\r\n${csvText(rows, ';')}`, ';', true],
    ['Excel sep= line naming a tab', `sep=\t\n${csvText(rows, '\t')}`, '\t', true],
    [
      'semicolons with commas inside quotes',
      csvText(
        [
          ['email', 'name', 'note'],
          ['a@x.com', 'Doe, Ann', 'one, two, three'],
          ['b@x.com', 'Roe, Bob', 'four, five'],
        ],
        ';',
      ),
      ';',
      false,
    ],
    [
      'a quoted multi-line field',
      csvText(
        [
          ['email', 'address'],
          ['a@x.com', 'Line 1; flat 2\nLine 2; door 3'],
          ['b@x.com', 'Main St'],
        ],
        ',',
      ),
      ',',
      false,
    ],
    ['blank lines between rows', 'email;name\r\n\r\na@x.com;Ann\r\n\r\nb@x.com;Bob\r\n', ';', false],
    ['one column', 'email\na@x.com\nb@x.com\n', ',', false],
  ];
  it.each(cases)('%s', (_label, text, delimiter, sepLine) => {
    expect(detectDelimiter(text)).toEqual({ delimiter, sepLine });
  });
});

describe('headers and merge fields', () => {
  it.each([
    [
      ['Email', 'Email', ''],
      ['Email', 'Email_2', 'column_3'],
    ],
    [
      ['Email_2', 'Email', 'email'],
      ['Email_2', 'Email', 'email_3'],
    ],
    [
      [' Name ', '', ''],
      ['Name', 'column_2', 'column_3'],
    ],
  ])('uniqueLabels(%j) = %j', (header, labels) => {
    expect(uniqueLabels(header)).toEqual(labels);
  });

  it.each([
    ['E-mail 1 - Value', 0, 'e_mail_1_value'],
    ['First Name', 0, 'first_name'],
    ['Prénom', 0, 'prenom'],
    ['Straße', 0, 'strasse'],
    ['Zoë’s  Notes!!', 0, 'zoe_s_notes'],
    ['1st line', 0, 'field_1st_line'],
    ['__proto__', 0, 'proto'],
    ['constructor', 0, 'constructor_field'],
    ['Prototype', 0, 'prototype_field'],
    ['名前', 4, 'column_5'],
    ['x'.repeat(100), 0, 'x'.repeat(64)],
  ])('fieldKey(%j, %i) = %j', (label, index, key) => {
    expect(fieldKey(label, index)).toBe(key);
  });

  it('makes keys unique and keeps the labels', () => {
    expect(mergeFields(['First Name', 'first_name', 'First-Name', 'Email'])).toEqual([
      { key: 'first_name', label: 'First Name' },
      { key: 'first_name_2', label: 'first_name' },
      { key: 'first_name_3', label: 'First-Name' },
      { key: 'email', label: 'Email' },
    ]);
  });

  it('never yields an unsafe key', () => {
    const labels = ['__proto__', 'constructor', 'prototype', '', '9', 'Ünïcödé', '!!!', 'this'];
    for (const { key } of mergeFields(labels)) {
      expect(key).toMatch(/^[a-z_][a-z0-9_]*$/);
      expect(['__proto__', 'constructor', 'prototype', 'this']).not.toContain(key);
    }
  });
});

describe('guessing columns', () => {
  const body = (rows: string[][]) => rows.slice(1);

  it('finds Google Contacts "E-mail 1 - Value" (not its Type) and "Name"', () => {
    const rows = googleContactsRows(people(5));
    const email = guessEmailColumn(GOOGLE_HEADER, body(rows));
    expect(email).toBe(GOOGLE_HEADER.indexOf('E-mail 1 - Value'));
    expect(guessNameColumn(GOOGLE_HEADER, email)).toBe(GOOGLE_HEADER.indexOf('Name'));
  });

  it('finds Outlook "E-mail Address" (not its Display Name) and "First Name"', () => {
    const rows = outlookRows(people(5));
    const email = guessEmailColumn(OUTLOOK_HEADER, body(rows));
    expect(email).toBe(OUTLOOK_HEADER.indexOf('E-mail Address'));
    expect(guessNameColumn(OUTLOOK_HEADER, email)).toBe(OUTLOOK_HEADER.indexOf('First Name'));
  });

  const cases: [label: string, labels: string[], rows: string[][], email: number | null][] = [
    [
      'by content under an unusual header',
      ['Kontakt', 'Wer'],
      [
        ['a@x.com', 'Ann'],
        ['b@x.com', 'Bob'],
      ],
      0,
    ],
    ['by header when the content agrees', ['Backup', 'E-mail'], [['a@x.com', 'b@x.com']], 1],
    [
      'mostly valid content wins over no header',
      ['id', 'x'],
      [
        ['1', 'a@x.com'],
        ['2', 'oops'],
        ['3', 'c@x.com'],
      ],
      1,
    ],
    [
      'by header alone when the sample column is empty',
      ['Name', 'Email'],
      [
        ['Ann', ''],
        ['Bob', ''],
      ],
      1,
    ],
    [
      'by header alone when no content fits',
      ['Name', 'E-mail'],
      [
        ['Ann', 'n/a'],
        ['Bob', 'tbd'],
      ],
      1,
    ],
    ['content over a header whose cells are not addresses', ['Email', 'Kontakt'], [['n/a', 'a@x.com']], 1],
    ['none when nothing looks like an address', ['Name', 'City'], [['Ann', 'Paris']], null],
    [
      'not a mostly-invalid column',
      ['Name', 'Note'],
      [
        ['Ann', 'see a@x.com'],
        ['Bob', 'n/a'],
        ['Cy', 'x'],
      ],
      null,
    ],
  ];
  it.each(cases)('email column %s', (_label, labels, rows, email) => {
    expect(guessEmailColumn(labels, rows)).toBe(email);
  });

  it.each([
    [['Email', 'Full Name'], 0, 1],
    [['Vorname', 'Nachname', 'E-Mail'], 2, 0],
    [['Email', 'Username', 'Company Name', 'Contact name'], 0, 3],
    [['Email', 'City'], 0, null],
  ])('name column of %j', (labels, email, name) => {
    expect(guessNameColumn(labels, email)).toBe(name);
  });
});
