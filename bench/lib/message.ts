// The one message every contender sends: a ~5 KB personalised HTML + text newsletter, rendered
// with Handlebars from the same rows, so only the machinery around it differs.
import fs from 'node:fs';
import Handlebars from 'handlebars';

export const SUBJECT = 'Hello {{first_name}}, the March update from {{company}}';

const paragraph = (i: number) =>
  `<p style="margin:0 0 12px;font-family:Arial,sans-serif;font-size:15px;line-height:22px;color:#333">` +
  `Section ${i}: {{first_name}}, here is what changed this month for teams in {{city}}. We rebuilt the ` +
  `reporting screens, made exports faster and fixed the issues you and others at {{company}} told us about. ` +
  `Reply to this message if anything is unclear; a person reads every answer.</p>`;

export const HTML = [
  '<!doctype html><html><body style="margin:0;padding:0;background:#f4f4f4">',
  '<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center">',
  '<table role="presentation" width="600" cellpadding="24" cellspacing="0" style="background:#ffffff">',
  '<tr><td><h1 style="font-family:Arial,sans-serif;font-size:22px">Hi {{first_name}} {{last_name}},</h1>',
  ...Array.from({ length: 6 }, (_, i) => paragraph(i + 1)),
  '<p style="font-family:Arial,sans-serif;font-size:12px;color:#777">You receive this because {{email}} ',
  'signed up at {{company}}. Unsubscribe with one click at the link in the header.</p>',
  '</td></tr></table></td></tr></table></body></html>',
].join('\n');

export const TEXT = [
  'Hi {{first_name}} {{last_name}},',
  '',
  ...Array.from(
    { length: 6 },
    (_, i) =>
      `Section ${i + 1}: {{first_name}}, here is what changed this month for teams in {{city}}. We rebuilt the reporting screens, made exports faster and fixed the issues you and others at {{company}} told us about.`,
  ),
  '',
  'You receive this because {{email}} signed up at {{company}}.',
].join('\n');

export interface Row {
  email: string;
  first_name: string;
  last_name: string;
  company: string;
  city: string;
}

export function row(i: number): Row {
  return {
    email: `person${i}@bench.example`,
    first_name: `First${i}`,
    last_name: `Last${i}`,
    company: `Company ${i % 97}, Inc.`,
    city: `City ${i % 31}`,
  };
}

/** Compiled once per process, as a user of nodemailer or BullMQ would. */
export function renderer() {
  const opts = { noEscape: false, strict: false };
  const subject = Handlebars.compile(SUBJECT, opts);
  const html = Handlebars.compile(HTML, opts);
  const text = Handlebars.compile(TEXT, opts);
  return (r: Row) => ({ subject: subject(r), html: html(r), text: text(r) });
}

export const CSV_HEADER = 'Email,First Name,Last Name,Company,City,Notes';

/**
 * Writes `rows` recipients without building the file in memory. `dirty` adds the mess a real
 * list has (1 in 200 invalid, 1 in 100 repeated) for the import figures; sends use clean rows.
 */
export async function writeCsv(file: string, rows: number, dirty = false): Promise<void> {
  const out = fs.createWriteStream(file);
  const write = (s: string) =>
    out.write(s) ? Promise.resolve() : new Promise<void>((resolve) => out.once('drain', () => resolve()));
  await write(`${CSV_HEADER}\r\n`);
  let batch = '';
  for (let i = 1; i <= rows; i++) {
    const r = row(i);
    const email = dirty && i % 200 === 0 ? `broken-${i}` : dirty && i % 100 === 0 ? row(i - 1).email : r.email;
    batch += `${email},${r.first_name},${r.last_name},"${r.company}",${r.city},"Note with ""quotes"" ${i}"\r\n`;
    if (i % 1_000 === 0) {
      await write(batch);
      batch = '';
    }
  }
  await write(batch);
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
}
