// The data folder holds recipient lists, the ledger and every message sent: only its owner may
// read it. The folder is 0700; the database, its WAL, outbox files, attachments and uploads 0600.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DB_FILE } from '../../main/engine/store/db';
import { addRecipients, type Harness, runUntil, startEngine } from '../helpers/engine-harness';
import { tmpDir } from '../helpers/tmp';

let h: Harness;
afterEach(async () => h?.close());

const mode = (p: string) => fs.statSync(p).mode & 0o777;
function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

describe.skipIf(process.platform === 'win32')('data folder permissions', () => {
  it('creates the folder 0700 and every file in it 0600, whatever the umask lets through', async () => {
    const dataDir = path.join(tmpDir('ct-perm-'), 'new', 'data');
    h = await startEngine({ dataDir });
    const [outbox] = await h.call('accounts.list', {});
    await h.call('accounts.update', { id: outbox!.id, limits: { minGapMs: 0, maxGapMs: 0 } });
    const c = await h.call('campaigns.create', { name: 'Spring', pool: [outbox!.id] });
    const upload = (text: string, name: string) => ({ upload: { name, base64: Buffer.from(text).toString('base64') } });
    await h.call('attachments.add', { campaignId: c.id, source: upload('%PDF-1.4 terms', 'terms.pdf') });
    // The preview keeps its uploaded copy until the commit.
    await h.call('recipients.importPreview', { campaignId: c.id, source: upload('email\nann@example.org\n', 'a.csv') });
    addRecipients(h, c.id, ['bob@example.org']);
    await h.call('campaigns.start', { id: c.id });
    await runUntil(h, () => h.engine.store.outbox.list({ limit: 10 }).total === 1, 600_000);

    expect(mode(dataDir)).toBe(0o700);
    const files = filesUnder(dataDir);
    for (const suffix of [DB_FILE, `${DB_FILE}-wal`, '.eml', '-terms.pdf', '.upload']) {
      expect(
        files.some((f) => f.endsWith(suffix)),
        `a file ending ${suffix}`,
      ).toBe(true);
    }
    for (const f of files) expect([f, mode(f).toString(8)]).toEqual([f, '600']);
    const dirs = fs
      .readdirSync(dataDir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => path.join(e.parentPath, e.name));
    for (const d of dirs) expect([d, mode(d).toString(8)]).toEqual([d, '700']);
  });

  it('tightens an existing data folder of the app, and its database', async () => {
    const dataDir = tmpDir('ct-perm-');
    h = await startEngine({ dataDir });
    await h.close();
    fs.chmodSync(dataDir, 0o755);
    fs.chmodSync(path.join(dataDir, DB_FILE), 0o644);
    h = await startEngine({ dataDir });
    expect(mode(dataDir)).toBe(0o700);
    expect(mode(path.join(dataDir, DB_FILE))).toBe(0o600);
  });
});
