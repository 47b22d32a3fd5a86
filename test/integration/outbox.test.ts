import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../main/engine/store';
import { createOutboxTransport, safeMessageFileName } from '../../main/engine/transports/outbox';
import { type OutgoingMessage, TransportError } from '../../main/engine/transports/transport';
import { tmpDir } from '../helpers/tmp';

const NOW = Date.UTC(2026, 2, 14, 23, 59, 30);

function message(id: string, to = 'ann@example.org', subject = 'Hello'): OutgoingMessage {
  const raw = Buffer.from(`Message-ID: ${id}\r\nTo: ${to}\r\nSubject: ${subject}\r\n\r\nHi Zoë\r\n.\r\n`, 'utf8');
  return {
    raw,
    envelope: { from: 'test@campaign-tray.local', to: [to] },
    messageId: id,
    meta: { campaignId: 7, recipientId: 42, subject },
  };
}

const stores: Store[] = [];
function setup() {
  const root = tmpDir();
  const store = openStore(path.join(root, 'db.sqlite'));
  stores.push(store);
  const dir = path.join(root, 'outbox');
  return { root, dir, store, t: createOutboxTransport({ dir, store, now: () => NOW }) };
}
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
});

describe('local test outbox', () => {
  it('writes the exact bytes to <dir>/<yyyy-mm-dd>/<message id>.eml and indexes them', async () => {
    const { dir, store, t } = setup();
    const m = message('<abc.123@campaign-tray.local>');
    const receipt = await t.send(m);
    const file = path.join(dir, '2026-03-14', 'abc.123@campaign-tray.local.eml');
    expect(fs.readFileSync(file).equals(m.raw)).toBe(true);
    expect(receipt.response).toContain('2026-03-14');
    const { rows, total } = store.outbox.list({ limit: 10 });
    expect(total).toBe(1);
    expect(rows[0]).toMatchObject({
      campaignId: 7,
      recipientId: 42,
      messageId: '<abc.123@campaign-tray.local>',
      to: 'ann@example.org',
      subject: 'Hello',
      path: file,
      createdAt: NOW,
    });
    // No temporary files are left behind.
    expect(fs.readdirSync(path.join(dir, '2026-03-14'))).toEqual(['abc.123@campaign-tray.local.eml']);
  });

  it('a resend of the same Message-ID keeps both files and both rows', async () => {
    const { dir, store, t } = setup();
    const first = message('<same@x>', 'a@example.org', 'one');
    const second = message('<same@x>', 'a@example.org', 'two');
    await Promise.all([t.send(first), t.send(second)]);
    const files = fs.readdirSync(path.join(dir, '2026-03-14')).sort();
    expect(files).toEqual(['same@x-2.eml', 'same@x.eml']);
    const bodies = files.map((f) => fs.readFileSync(path.join(dir, '2026-03-14', f)).toString());
    expect(bodies.some((b) => b.includes('Subject: one'))).toBe(true);
    expect(bodies.some((b) => b.includes('Subject: two'))).toBe(true);
    expect(store.outbox.list({ limit: 10 }).rows.filter((r) => r.to === 'a@example.org')).toHaveLength(2);
  });

  it('many concurrent sends all land, each in its own file', async () => {
    const { dir, store, t } = setup();
    await Promise.all(Array.from({ length: 50 }, (_, i) => t.send(message(`<m${i}@x>`, `r${i}@example.org`))));
    expect(fs.readdirSync(path.join(dir, '2026-03-14'))).toHaveLength(50);
    expect(store.outbox.list({ limit: 100 }).total).toBe(50);
  });

  const names: [string, string][] = [
    ['<plain@host>', 'plain@host'],
    ['<../../etc/passwd@x>', '__.._etc_passwd@x'],
    ['<a/b\\c:d*e?f"g<h>i|j@x>', 'a_b_c_d_e_f_g_h_i_j@x'],
    ['<>', 'message'],
    ['<.hidden@x>', '_hidden@x'],
  ];
  for (const [id, expected] of names) {
    it(`file name for ${id} is ${expected}`, () => {
      const got = safeMessageFileName(id);
      expect(got).toBe(expected);
      expect(got).not.toContain('/');
      expect(got).not.toContain('\\');
    });
  }

  it('verify passes on a writable folder and creates it', async () => {
    const { dir, t } = setup();
    await t.verify();
    expect(fs.statSync(dir).isDirectory()).toBe(true);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('verify and send fail with a clear config failure when the folder cannot be written', async () => {
    const { root, store } = setup();
    // A regular file where the folder should be: fails for every user, root included.
    const blocked = path.join(root, 'blocked');
    fs.writeFileSync(blocked, 'not a folder');
    const t = createOutboxTransport({ dir: blocked, store, now: () => NOW });
    for (const attempt of [() => t.verify(), () => t.send(message('<x@y>'))]) {
      const err = await attempt().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TransportError);
      const f = (err as TransportError).failure;
      expect(f.source).toBe('config');
      if (f.source === 'config') expect(f.message).toMatch(/outbox folder .* cannot be written/);
    }
    expect(store.outbox.list({ limit: 10 }).total).toBe(0);
  });
});
