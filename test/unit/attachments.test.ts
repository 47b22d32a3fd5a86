import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { attachmentsHandlers } from '../../main/engine/api/attachments-api';
import { AppError } from '../../main/engine/errors';
import {
  attachmentPath,
  contentTypeOf,
  MAX_ATTACHMENTS_BYTES,
  removeAttachment,
  safeFileName,
  storeAttachment,
} from '../../main/engine/messages/attachments';
import type { Store } from '../../main/engine/store';
import type { AttachmentRef } from '../../shared/domain';
import { campaignSettings, testContext } from '../helpers/context';
import { picked } from '../helpers/files';
import { ManualClock } from '../helpers/manual-clock';
import { tmpDir } from '../helpers/tmp';

async function rejected(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected an AppError');
}

describe('safeFileName', () => {
  it.each([
    ['report.pdf', 'report.pdf'],
    ['../../etc/passwd', 'passwd'],
    ['..\\..\\Windows\\win.ini', 'win.ini'],
    ['/abs/path/x.txt', 'x.txt'],
    ['..', 'attachment'],
    ['.hidden', 'hidden'],
    ['', 'attachment'],
    ['a\r\nb.txt', 'a_b.txt'],
    ['what?*:<>|".txt', 'what_.txt'],
    ['CON.txt', '_CON.txt'],
    ['nul', '_nul'],
    ['Übersicht März.pdf', 'Übersicht März.pdf'],
    ['trailing dots...', 'trailing dots'],
    [`${'a'.repeat(300)}.pdf`, `${'a'.repeat(116)}.pdf`],
  ])('%j → %j', (name, safe) => {
    expect(safeFileName(name)).toBe(safe);
  });
});

describe('contentTypeOf', () => {
  it.each([
    ['a.pdf', 'application/pdf'],
    ['A.PNG', 'image/png'],
    ['x.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
    ['noext', 'application/octet-stream'],
    ['x.weird', 'application/octet-stream'],
  ])('%s → %s', (name, type) => {
    expect(contentTypeOf(name)).toBe(type);
  });
});

describe('storeAttachment', () => {
  it('copies a file from a path into the data folder under <id>-<safe name>', async () => {
    const dataDir = tmpDir();
    const src = path.join(tmpDir(), 'Price list.pdf');
    fs.writeFileSync(src, 'pdf bytes');
    const ref = await storeAttachment(dataDir, 3, { path: src }, []);
    expect(ref).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      filename: 'Price list.pdf',
      size: 9,
      contentType: 'application/pdf',
    });
    const stored = attachmentPath(dataDir, 3, ref);
    expect(stored).toBe(path.join(dataDir, 'attachments', '3', `${ref.id}-Price list.pdf`));
    expect(fs.readFileSync(stored, 'utf8')).toBe('pdf bytes');
    // The campaign no longer depends on the original.
    fs.rmSync(src);
    expect(fs.existsSync(stored)).toBe(true);
    expect(fs.readdirSync(path.dirname(stored))).toEqual([path.basename(stored)]);
  });

  it('stores uploaded bytes and keeps a hostile name inside the campaign folder', async () => {
    const dataDir = tmpDir();
    const ref = await storeAttachment(dataDir, 4, { name: '../../../escape.txt', bytes: Buffer.from('hi') }, []);
    expect(ref.filename).toBe('escape.txt');
    const stored = attachmentPath(dataDir, 4, ref);
    expect(path.dirname(stored)).toBe(path.join(dataDir, 'attachments', '4'));
    expect(fs.readFileSync(stored, 'utf8')).toBe('hi');
    expect(fs.existsSync(path.join(dataDir, '..', 'escape.txt'))).toBe(false);
  });

  it('refuses a tampered reference that would leave the folder', () => {
    const ref: AttachmentRef = { id: '../../x', filename: 'a.txt', size: 1, contentType: 'text/plain' };
    expect(() => attachmentPath('/data', 1, ref)).toThrow(AppError);
    const named: AttachmentRef = {
      id: '0f8fad5b-d9cb-469f-a165-70867728950e',
      filename: '../../a.txt',
      size: 1,
      contentType: 'text/plain',
    };
    expect(attachmentPath('/data', 1, named)).toBe(path.join('/data', 'attachments', '1', `${named.id}-a.txt`));
  });

  it('refuses files over the per-campaign total, counting what is attached already', async () => {
    const dataDir = tmpDir();
    const existing: AttachmentRef[] = [
      {
        id: '0f8fad5b-d9cb-469f-a165-70867728950e',
        filename: 'a',
        size: MAX_ATTACHMENTS_BYTES - 10,
        contentType: 'x/y',
      },
    ];
    const err = await rejected(storeAttachment(dataDir, 1, { name: 'b.bin', bytes: Buffer.alloc(11) }, existing));
    expect(err.code).toBe('invalid_input');
    expect(err.message).toMatch(/limit is 17\.0 MB/);
    await expect(
      storeAttachment(dataDir, 1, { name: 'b.bin', bytes: Buffer.alloc(10) }, existing),
    ).resolves.toMatchObject({
      size: 10,
    });

    // A file on disk is refused by its size, before it is read.
    const big = path.join(tmpDir(), 'big.bin');
    fs.writeFileSync(big, Buffer.alloc(0));
    fs.truncateSync(big, MAX_ATTACHMENTS_BYTES + 1);
    const err2 = await rejected(storeAttachment(dataDir, 2, { path: big }, []));
    expect(err2.message).toMatch(/limit/);
    expect(fs.existsSync(path.join(dataDir, 'attachments', '2'))).toBe(false);
  });

  it.each([
    ['a missing file', (d: string) => path.join(d, 'nope.pdf'), /does not exist/],
    ['a folder', (d: string) => d, /is a folder/],
  ])('explains %s', async (_, pathOf, message) => {
    const err = await rejected(storeAttachment(tmpDir(), 1, { path: pathOf(tmpDir()) }, []));
    expect(err.code).toBe('invalid_input');
    expect(err.message).toMatch(message);
  });

  it('removes the stored copy, and tolerates one that is gone', async () => {
    const dataDir = tmpDir();
    const ref = await storeAttachment(dataDir, 1, { name: 'x.txt', bytes: Buffer.from('x') }, []);
    await removeAttachment(dataDir, 1, ref);
    expect(fs.existsSync(attachmentPath(dataDir, 1, ref))).toBe(false);
    await expect(removeAttachment(dataDir, 1, ref)).resolves.toBeUndefined();
  });
});

// ---- the request handlers ----------------------------------------------------------------------

describe('attachments handlers', () => {
  let store: Store;
  afterEach(() => store?.close());

  function setup() {
    const clock = new ManualClock();
    const ctx = testContext(tmpDir(), clock, { hubIntervalMs: 0 });
    store = ctx.store;
    const events: unknown[] = [];
    ctx.hub.subscribe((event, payload) => events.push([event, payload]));
    return { ctx, h: attachmentsHandlers(ctx), clock, events };
  }

  it('adds from a path and from an upload, and removes again', async () => {
    const { ctx, h, clock } = setup();
    const c = store.campaigns.create(campaignSettings('Spring'), clock.now());
    const src = path.join(tmpDir(), 'flyer.png');
    fs.writeFileSync(src, Buffer.from([0x89, 0x50, 0x4e, 0x47]));

    const a = await h['attachments.add']({ campaignId: c.id, source: picked(ctx.files, src) });
    const b = await h['attachments.add']({
      campaignId: c.id,
      source: { upload: { name: 'terms.txt', base64: Buffer.from('terms').toString('base64') } },
    });
    expect(a).toMatchObject({ filename: 'flyer.png', size: 4, contentType: 'image/png' });
    expect(b).toMatchObject({ filename: 'terms.txt', size: 5, contentType: 'text/plain' });
    expect(store.campaigns.get(c.id)!.attachments).toEqual([a, b]);
    expect(fs.readFileSync(attachmentPath(ctx.dataDir, c.id, b), 'utf8')).toBe('terms');

    await expect(h['attachments.remove']({ campaignId: c.id, attachmentId: a.id })).resolves.toEqual({ removed: true });
    expect(store.campaigns.get(c.id)!.attachments).toEqual([b]);
    expect(fs.existsSync(attachmentPath(ctx.dataDir, c.id, a))).toBe(false);

    const missing = await rejected(
      Promise.resolve().then(() => h['attachments.remove']({ campaignId: c.id, attachmentId: a.id })),
    );
    expect(missing.code).toBe('not_found');
  });

  it.each(['sending', 'done'] as const)('refuses changes while the campaign is %s', async (status) => {
    const { h, clock } = setup();
    const c = store.campaigns.create(campaignSettings('Spring'), clock.now());
    const ref = await h['attachments.add']({
      campaignId: c.id,
      source: { upload: { name: 'a.txt', base64: Buffer.from('a').toString('base64') } },
    });
    store.campaigns.forceStatusForTests(c.id, status, null, clock.now());
    const add = await rejected(
      Promise.resolve().then(() =>
        h['attachments.add']({ campaignId: c.id, source: { upload: { name: 'b.txt', base64: 'Yg==' } } }),
      ),
    );
    expect(add.code).toBe('conflict');
    const remove = await rejected(
      Promise.resolve().then(() => h['attachments.remove']({ campaignId: c.id, attachmentId: ref.id })),
    );
    expect(remove.code).toBe('conflict');
    expect(store.campaigns.get(c.id)!.attachments).toEqual([ref]);
  });

  it('allows changes while paused, and tells subscribers the campaign changed', async () => {
    const { h, clock, events } = setup();
    const c = store.campaigns.create(campaignSettings('Spring'), clock.now());
    store.campaigns.forceStatusForTests(c.id, 'paused', null, clock.now());
    await h['attachments.add']({ campaignId: c.id, source: { upload: { name: 'b.txt', base64: 'Yg==' } } });
    expect(events).toContainEqual(['campaigns.changed', { campaignId: c.id }]);
  });

  it('says what is wrong with an unknown campaign or an unreadable file', async () => {
    const { ctx, h, clock } = setup();
    const nf = await rejected(
      Promise.resolve().then(() => h['attachments.add']({ campaignId: 42, source: picked(ctx.files, '/nope') })),
    );
    expect(nf.code).toBe('not_found');
    const c = store.campaigns.create(campaignSettings('Spring'), clock.now());
    const bad = await rejected(
      Promise.resolve().then(() =>
        h['attachments.add']({ campaignId: c.id, source: picked(ctx.files, path.join(tmpDir(), 'gone.pdf')) }),
      ),
    );
    expect(bad.code).toBe('invalid_input');
    expect(store.campaigns.get(c.id)!.attachments).toEqual([]);
  });
});
