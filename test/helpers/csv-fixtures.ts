// Spreadsheet exports generated per test: the header sets Google Contacts and Outlook write, in
// the encodings Excel produces.
import fs from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';

export type FileEncoding = 'utf8' | 'utf8-bom' | 'utf16le-bom' | 'utf16be-bom' | 'windows1252';

export function encode(text: string, encoding: FileEncoding): Buffer {
  switch (encoding) {
    case 'utf8':
      return Buffer.from(text, 'utf8');
    case 'utf8-bom':
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
    case 'utf16le-bom':
      return Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(text, 'utf16le')]);
    case 'utf16be-bom':
      return Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode(text, 'utf16be')]);
    case 'windows1252':
      return iconv.encode(text, 'windows1252');
  }
}

/** Quotes a cell the way Excel does: only when it holds the delimiter, a quote or a line break. */
export function csvText(rows: string[][], delimiter = ',', eol = '\r\n'): string {
  const cell = (v: string) => (v.includes(delimiter) || /["\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return rows.map((r) => r.map(cell).join(delimiter)).join(eol) + eol;
}

export function writeFixture(dir: string, name: string, body: string | Buffer): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, body);
  return file;
}

export interface Person {
  first: string;
  last: string;
  email: string;
  company: string;
}

/** n distinct people with addresses person<i>@example.com. */
export function people(n: number, start = 1): Person[] {
  return Array.from({ length: n }, (_, k) => {
    const i = start + k;
    return { first: `First${i}`, last: `Last${i}`, email: `person${i}@example.com`, company: `Company ${i % 7}` };
  });
}

export const GOOGLE_HEADER = [
  'Name',
  'Given Name',
  'Additional Name',
  'Family Name',
  'Yomi Name',
  'Given Name Yomi',
  'Additional Name Yomi',
  'Family Name Yomi',
  'Name Prefix',
  'Name Suffix',
  'Initials',
  'Nickname',
  'Short Name',
  'Maiden Name',
  'Birthday',
  'Gender',
  'Location',
  'Billing Information',
  'Directory Server',
  'Mileage',
  'Occupation',
  'Hobby',
  'Sensitivity',
  'Priority',
  'Subject',
  'Notes',
  'Language',
  'Photo',
  'Group Membership',
  'E-mail 1 - Type',
  'E-mail 1 - Value',
  'E-mail 2 - Type',
  'E-mail 2 - Value',
  'Phone 1 - Type',
  'Phone 1 - Value',
  'Organization 1 - Name',
];

/** Google Contacts' CSV rows; `email` may be any cell text (Google joins several with " ::: "). */
export function googleContactsRows(list: Person[]): string[][] {
  return [
    GOOGLE_HEADER,
    ...list.map((p) =>
      GOOGLE_HEADER.map((h) => {
        switch (h) {
          case 'Name':
            return `${p.first} ${p.last}`;
          case 'Given Name':
            return p.first;
          case 'Family Name':
            return p.last;
          case 'Group Membership':
            return '* myContacts';
          case 'E-mail 1 - Type':
            return '* Home';
          case 'E-mail 1 - Value':
            return p.email;
          case 'Organization 1 - Name':
            return p.company;
          default:
            return '';
        }
      }),
    ),
  ];
}

export const OUTLOOK_HEADER = [
  'First Name',
  'Middle Name',
  'Last Name',
  'Title',
  'Suffix',
  'Nickname',
  'Given Yomi',
  'Surname Yomi',
  'E-mail Address',
  'E-mail Type',
  'E-mail Display Name',
  'E-mail 2 Address',
  'E-mail 2 Type',
  'E-mail 2 Display Name',
  'Home Phone',
  'Mobile Phone',
  'Company',
  'Notes',
];

export function outlookRows(list: Person[]): string[][] {
  return [
    OUTLOOK_HEADER,
    ...list.map((p) =>
      OUTLOOK_HEADER.map((h) => {
        switch (h) {
          case 'First Name':
            return p.first;
          case 'Last Name':
            return p.last;
          case 'E-mail Address':
            return p.email;
          case 'E-mail Type':
            return 'SMTP';
          case 'E-mail Display Name':
            return `${p.first} ${p.last} (${p.email})`;
          case 'Company':
            return p.company;
          default:
            return '';
        }
      }),
    ),
  ];
}
