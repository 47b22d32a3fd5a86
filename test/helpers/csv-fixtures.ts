// Spreadsheet exports generated per test: the header sets Google Contacts and Outlook write, in
// the encodings Excel produces, plus a real engine context over a temp database to import into.
import fs from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import { type Clock, systemClock } from '../../main/engine/clock';
import type { EngineContext } from '../../main/engine/context';
import { silentLogger } from '../../main/engine/log';
import type { SecretStore } from '../../main/engine/secrets/secret-store';
import { openStore } from '../../main/engine/store';
import { EventHub } from '../../main/rpc/event-hub';
import type { ActivityEntry, CampaignSettings } from '../../shared/domain';

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

// ---- a context to import into ---------------------------------------------------------------------

class MemorySecrets implements SecretStore {
  private m = new Map<string, string>();
  async get(key: string) {
    return this.m.get(key) ?? null;
  }
  async set(key: string, value: string) {
    this.m.set(key, value);
  }
  async delete(key: string) {
    return this.m.delete(key);
  }
  async unavailableReason() {
    return null;
  }
}

export interface ImportContext extends EngineContext {
  wakes: number;
  activities: { level: ActivityEntry['level']; message: string }[];
}

/** A real store in `dir`, a real hub; wake and activity are recorded for assertions. */
export function importContext(dir: string, clock: Clock = systemClock): ImportContext {
  const store = openStore(path.join(dir, 'db.sqlite'));
  const ctx: ImportContext = {
    dataDir: dir,
    store,
    hub: new EventHub(clock),
    clock,
    random: Math.random,
    secrets: new MemorySecrets(),
    log: silentLogger,
    wakes: 0,
    activities: [],
    wake() {
      ctx.wakes++;
    },
    activity(level, message) {
      ctx.activities.push({ level, message });
    },
  };
  return ctx;
}

export function campaignSettings(name = 'Spring newsletter'): CampaignSettings {
  return {
    name,
    template: { subject: 'Hello', body: '<p>Hi</p>', format: 'html', text: null },
    pool: [],
    rotation: 'most_headroom',
    replyTo: null,
    scheduleAt: null,
    window: null,
    retry: { maxAttempts: 5, baseDelayMs: 60_000, maxDelayMs: 3_600_000 },
    unsubscribe: { mailto: null, urlTemplate: null },
    attachments: [],
  };
}
