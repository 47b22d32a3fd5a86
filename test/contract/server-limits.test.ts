// The headless server's bounds: uploads stream over an authenticated HTTP POST instead of riding
// in WebSocket frames, frames are small, sockets are capped, refused upgrades are rate-limited
// (and so are their log lines), the token never travels in a URL, and static files never follow a
// symlink out of the renderer folder.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../main/engine/engine';
import type { Logger } from '../../main/engine/log';
import { createDispatcher } from '../../main/rpc/dispatch';
import { type RunningServer, startHttpServer, TOKEN_HEADER, UPLOAD_PATH } from '../../main/server/http-server';
import { MAX_FRAME_BYTES } from '../../shared/bridge';
import { MemorySecrets } from '../helpers/memory-secrets';
import { tmpDir } from '../helpers/tmp';
import { connectCaller, openSocket, type WsCaller } from './ws-caller';

const TOKEN = 'Zx8c7v6b5n4m3l2k1j0hGfEdCbA9z8y7x6w5v4u3t2s';
const MAX_SOCKETS = 6;
const MAX_UPLOAD = 64 * 1024;

let engine: Engine;
let server: RunningServer;
let caller: WsCaller;
let dataDir: string;
const logged: string[] = [];
const log: Logger = {
  info: (m) => logged.push(m),
  warn: (m) => logged.push(m),
  error: (m) => logged.push(m),
};

beforeAll(async () => {
  const base = tmpDir('ct-limits-');
  const rendererDir = path.join(base, 'renderer');
  fs.mkdirSync(path.join(rendererDir, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Campaign Tray</title>');
  fs.writeFileSync(path.join(base, 'secret.txt'), 'outside the renderer');
  fs.symlinkSync(path.join(base, 'secret.txt'), path.join(rendererDir, 'assets', 'link.js'));
  fs.symlinkSync(base, path.join(rendererDir, 'up'));
  fs.writeFileSync(path.join(rendererDir, 'assets', 'real.js'), 'console.log(1)');
  fs.symlinkSync(path.join(rendererDir, 'assets', 'real.js'), path.join(rendererDir, 'assets', 'inside.js'));
  dataDir = path.join(base, 'data');
  engine = await createEngine({ dataDir, host: 'headless', secrets: new MemorySecrets(), log, openExternal() {} });
  await engine.start();
  server = await startHttpServer({
    rendererDir,
    port: 0,
    token: TOKEN,
    dispatch: createDispatcher(engine.handlers, log),
    hub: engine.hub,
    files: engine.files,
    uploadDir: path.join(dataDir, 'tmp'),
    log,
    limits: { maxSockets: MAX_SOCKETS, maxUploadBytes: MAX_UPLOAD, refusedPerMinute: 10 },
  });
  caller = await connectCaller(server.port, TOKEN);
});

afterAll(async () => {
  await caller?.close();
  await server?.close();
  await engine?.stop();
});

function request(
  method: string,
  urlPath: string,
  opts: { headers?: Record<string, string>; body?: Buffer } = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: server.port,
        method,
        path: urlPath,
        headers: { Host: `127.0.0.1:${server.port}`, ...opts.headers },
      },
      (res) => {
        let body = '';
        res.on('data', (c) => {
          body += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

const ownOrigin = () => `http://127.0.0.1:${server.port}`;
const upload = (body: Buffer, headers: Record<string, string> = {}) =>
  request('POST', UPLOAD_PATH, {
    body,
    headers: {
      Origin: ownOrigin(),
      [TOKEN_HEADER]: TOKEN,
      'X-File-Name': encodeURIComponent('list ü.csv'),
      'Content-Type': 'application/octet-stream',
      ...headers,
    },
  });
const uploadsLeft = () => {
  const dir = path.join(dataDir, 'tmp');
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.upload')) : [];
};

async function status(opts: Parameters<typeof openSocket>[1]): Promise<number> {
  try {
    const ws = await openSocket(server.port, opts);
    ws.close();
    return 101;
  } catch (err) {
    return (err as { status?: number }).status ?? -1;
  }
}

describe('static files', () => {
  it('never follows a symlink out of the renderer folder', async () => {
    for (const p of ['/assets/link.js', '/up/secret.txt']) {
      const r = await request('GET', p);
      expect(r.status, p).toBe(404);
      expect(r.body).not.toContain('outside the renderer');
    }
    expect((await request('GET', '/assets/inside.js')).status).toBe(200);
  });
});

describe('uploads over HTTP', () => {
  it('stores the body and hands back an id that a request can use once', async () => {
    const r = await upload(Buffer.from('email,name\nann@example.org,Ann\n'));
    expect(r.status).toBe(200);
    const { fileId, name, size } = JSON.parse(r.body) as { fileId: string; name: string; size: number };
    expect(fileId).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(name).toBe('list ü.csv');
    expect(size).toBe(31);
    const c = await caller.call('campaigns.create', { name: 'Uploaded' });
    const campaignId = (c as { ok: true; value: { id: number } }).value.id;
    const p = await caller.call('recipients.importPreview', { campaignId, source: { fileId } });
    expect(p).toMatchObject({ ok: true, value: { fileName: 'list ü.csv', emailColumn: 0 } });
    const again = await caller.call('recipients.importPreview', { campaignId, source: { fileId } });
    expect(again).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const guessed = await caller.call('attachments.add', { campaignId, source: { fileId: 'A'.repeat(32) } });
    expect(guessed).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('refuses an upload without the token header, from a foreign Origin or Host', async () => {
    const before = uploadsLeft();
    const body = Buffer.from('email\nann@example.org\n');
    expect((await upload(body, { [TOKEN_HEADER]: '' })).status).toBe(401);
    expect((await upload(body, { [TOKEN_HEADER]: `${TOKEN.slice(0, -1)}x` })).status).toBe(401);
    expect((await upload(body, { Origin: 'http://evil.example' })).status).toBe(403);
    expect((await upload(body, { Host: `evil.example:${server.port}` })).status).toBe(421);
    expect(
      (await request('POST', `${UPLOAD_PATH}?token=${TOKEN}`, { body, headers: { Origin: ownOrigin() } })).status,
    ).toBe(401);
    expect(uploadsLeft()).toEqual(before);
  });

  it('stops reading a body over the limit and keeps nothing of it', async () => {
    const before = uploadsLeft().length;
    const r = await upload(Buffer.alloc(MAX_UPLOAD + 1, 0x61));
    expect(r.status).toBe(413);
    expect(r.body).toMatch(/at most/);
    expect(uploadsLeft().length).toBe(before);
  });

  it('takes no paths: a request naming a file on the server is refused by the contract', async () => {
    const c = await caller.call('campaigns.create', { name: 'Paths' });
    const campaignId = (c as { ok: true; value: { id: number } }).value.id;
    for (const [name, input] of [
      ['recipients.importPreview', { campaignId, source: { path: '/etc/passwd' } }],
      ['attachments.add', { campaignId, source: { path: '/etc/passwd' } }],
      ['suppressions.import', { source: { path: '/etc/passwd' } }],
    ] as const) {
      const r = await caller.call(name, input);
      expect(r, name).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    }
  });
});

describe('WebSocket bounds', () => {
  it('takes the token only as subprotocol, never from the query string', async () => {
    expect(await status({ token: null, query: `?token=${TOKEN}` })).toBe(401);
    expect(await status({ token: TOKEN })).toBe(101);
  });

  it('closes a socket that sends a frame over the limit, and keeps serving', async () => {
    expect(MAX_FRAME_BYTES).toBeLessThanOrEqual(1024 * 1024);
    const ws = await openSocket(server.port, { token: TOKEN });
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send('x'.repeat(MAX_FRAME_BYTES + 1));
    expect(await closed).toBe(1009);
    expect((await caller.call('app.info', {})).ok).toBe(true);
  });

  it('caps the number of open sockets', async () => {
    const open: WsCaller[] = [];
    try {
      // The shared caller holds one already.
      for (let i = 1; i < MAX_SOCKETS; i++) open.push(await connectCaller(server.port, TOKEN));
      expect(await status({ token: TOKEN })).toBe(503);
    } finally {
      await Promise.all(open.map((c) => c.close()));
    }
    await expect.poll(() => status({ token: TOKEN }), { timeout: 3_000 }).toBe(101);
  });

  it('rate-limits refused upgrades, and logs a bounded number of lines for them', async () => {
    const linesBefore = logged.filter((l) => l.includes('websocket refused')).length;
    const codes: number[] = [];
    // No token at all: refused over HTTP (a wrong one gets the stale-token close instead).
    for (let i = 0; i < 60; i++) codes.push(await status({ token: null }));
    expect(codes.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(codes.slice(-10).every((c) => c === 429)).toBe(true);
    const lines = logged.filter((l) => l.includes('websocket refused')).length - linesBefore;
    expect(lines).toBeLessThanOrEqual(11);
    // The right token still gets in while the refusals are limited.
    expect(await status({ token: TOKEN })).toBe(101);
  });
});
