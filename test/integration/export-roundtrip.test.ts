// The app's own results export goes back in unchanged: the formula guard defuses cells a
// spreadsheet would evaluate, leaves plain addresses alone, and the importer knows its own guard.
import { afterEach, describe, expect, it } from 'vitest';
import { neutraliseCell } from '../../main/engine/exports/csv';
import { type Harness, startEngine } from '../helpers/engine-harness';

let h: Harness;
afterEach(async () => h?.close());

const upload = (name: string, text: string) => ({ upload: { name, base64: Buffer.from(text).toString('base64') } });
const csv = (rows: string[][]) =>
  `${rows.map((r) => r.map((c) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join('\r\n')}\r\n`;

async function importInto(campaignId: number, name: string, text: string) {
  const p = await h.call('recipients.importPreview', { campaignId, source: upload(name, text) });
  return h.call('recipients.importCommit', { importId: p.importId, emailColumn: p.emailColumn! });
}
async function recipientsOf(campaignId: number) {
  const { rows } = await h.call('recipients.list', { campaignId, limit: 500 });
  return rows.map((r) => ({ address: r.address, fields: r.fields })).sort((a, b) => a.address.localeCompare(b.address));
}

describe('formula guard', () => {
  it.each([
    ['=SUM(A1:A9)', "'=SUM(A1:A9)"],
    ['+44 20 7946 0958', "'+44 20 7946 0958"],
    ['-5', "'-5"],
    ['@home', "'@home"],
    ['plain', 'plain'],
  ])('guards the field %j', (cell, out) => {
    expect(neutraliseCell(cell)).toBe(out);
  });

  it.each([
    ['+p5@example.com', '+p5@example.com'],
    ['-news.letter@example.org', '-news.letter@example.org'],
    // Addresses a spreadsheet could still run: an equals sign, or DDE and function syntax.
    ['=x@example.org', "'=x@example.org"],
    ["-cmd|'/Ccalc'!A0+@example.com", "'-cmd|'/Ccalc'!A0+@example.com"],
  ])('guards the address %j only where a spreadsheet would evaluate it', (cell, out) => {
    expect(neutraliseCell(cell, 'address')).toBe(out);
  });
});

describe('results export → import', () => {
  it('yields identical addresses and merge fields', async () => {
    h = await startEngine();
    const original = [
      ['email', 'first_name', 'phone', 'note'],
      ['+p5@example.com', 'Ann', '+44 20 7946 0958', '=HYPERLINK("http://evil.example","x")'],
      ['-dash@example.org', '-Bo', '-5', '@home'],
      ['=eq@example.org', "'quoted", '12', "'=already guarded by hand"],
      ['plain@example.net', 'Cy', '', 'tab\there'],
    ];
    const a = await h.call('campaigns.create', { name: 'Original' });
    expect((await importInto(a.id, 'list.csv', csv(original))).added).toBe(4);
    const exported = await h.call('campaigns.exportResults', { id: a.id });
    expect(exported.content).toContain('\r\n+p5@example.com,');
    expect(exported.content).toContain("'+44 20 7946 0958");

    const b = await h.call('campaigns.create', { name: 'Again' });
    expect((await importInto(b.id, exported.filename, exported.content)).added).toBe(4);
    const before = await recipientsOf(a.id);
    const after = await recipientsOf(b.id);
    expect(after.map((r) => r.address)).toEqual(before.map((r) => r.address));
    for (const [i, r] of after.entries()) {
      const orig = before[i]!.fields;
      for (const key of ['first_name', 'phone', 'note'])
        expect([r.address, key, r.fields[key]]).toEqual([r.address, key, orig[key]]);
    }
  });
});
