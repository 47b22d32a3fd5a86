// The contract over the real headless server: HTTP, WebSocket, token, Origin and Host checks.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../main/engine/engine';
import { silentLogger } from '../../main/engine/log';
import { createDispatcher } from '../../main/rpc/dispatch';
import { type RunningServer, startHttpServer } from '../../main/server/http-server';
import { STALE_TOKEN_REASON } from '../../main/server/ws-binding';
import { WS_CLOSE_STALE_TOKEN } from '../../shared/bridge';
import { MemorySecrets } from '../helpers/memory-secrets';
import { tmpDir } from '../helpers/tmp';
import { contractSuite } from './suite';
import { connectCaller, openSocket, type WsCaller } from './ws-caller';

const TOKEN = 'k7Qm1vX9yZ0aB2cD3eF4gH5iJ6kL7mN8oP9qR0sT1uU';

let engine: Engine;
let server: RunningServer;
let caller: WsCaller;

beforeAll(async () => {
  const rendererDir = tmpDir('ct-renderer-');
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Campaign Tray</title>');
  fs.mkdirSync(path.join(rendererDir, 'assets'));
  fs.writeFileSync(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  fs.writeFileSync(path.join(path.dirname(rendererDir), `${path.basename(rendererDir)}-secret.txt`), 'outside');
  const dataDir = tmpDir('ct-ws-');
  engine = await createEngine({
    dataDir,
    host: 'headless',
    secrets: new MemorySecrets(),
    log: silentLogger,
    openExternal: () => {},
  });
  await engine.start();
  server = await startHttpServer({
    rendererDir,
    port: 0,
    token: TOKEN,
    dispatch: createDispatcher(engine.handlers, silentLogger),
    hub: engine.hub,
    files: engine.files,
    uploadDir: path.join(dataDir, 'tmp'),
    log: silentLogger,
  });
  caller = await connectCaller(server.port, TOKEN);
});

afterAll(async () => {
  await caller?.close();
  await server?.close();
  await engine?.stop();
});

function get(
  urlPath: string,
  host?: string,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: server.port, path: urlPath, headers: { Host: host ?? `127.0.0.1:${server.port}` } },
      (res) => {
        let body = '';
        res.on('data', (c) => {
          body += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function refusal(opts: Parameters<typeof openSocket>[1]): Promise<number> {
  try {
    const ws = await openSocket(server.port, opts);
    ws.close();
    return 101;
  } catch (err) {
    return (err as { status?: number }).status ?? -1;
  }
}

describe('contract over the WebSocket', () => {
  contractSuite(() => (name, input) => caller.call(name, input), { unknownNames: true });
});

describe('WebSocket upgrade', () => {
  it('accepts the token as subprotocol, from 127.0.0.1 and localhost', async () => {
    expect(await refusal({ token: TOKEN })).toBe(101);
    expect(
      await refusal({ token: TOKEN, host: `localhost:${server.port}`, origin: `http://localhost:${server.port}` }),
    ).toBe(101);
  });

  it('refuses a missing token', async () => {
    expect(await refusal({ token: null })).toBe(401);
  });

  it('closes a wrong token at once with the stale-token code, including one that differs only in length', async () => {
    for (const opts of [{ token: `${TOKEN.slice(0, -1)}A` }, { token: TOKEN.slice(0, -1) }]) {
      const ws = await openSocket(server.port, opts);
      const messages: string[] = [];
      ws.on('message', (d) => messages.push(d.toString()));
      // A request sent at once is never answered: the socket only closes.
      ws.send(JSON.stringify({ id: 1, method: 'app.info', input: {} }));
      const [code, reason] = await new Promise<[number, string]>((resolve) =>
        ws.once('close', (c, r) => resolve([c, r.toString()])),
      );
      expect(code).toBe(WS_CLOSE_STALE_TOKEN);
      expect(reason).toBe(STALE_TOKEN_REASON);
      expect(Buffer.byteLength(reason)).toBeLessThanOrEqual(123);
      expect(messages).toEqual([]);
    }
  });

  it('refuses a foreign Origin, even with the right token', async () => {
    expect(await refusal({ token: TOKEN, origin: 'http://evil.example' })).toBe(403);
    expect(await refusal({ token: TOKEN, origin: `https://127.0.0.1:${server.port}` })).toBe(403);
    expect(await refusal({ token: TOKEN, origin: 'null' })).toBe(403);
  });

  it('refuses a foreign Host (DNS rebinding), even with the right token and Origin', async () => {
    expect(await refusal({ token: TOKEN, host: `evil.example:${server.port}` })).toBe(421);
    expect(await refusal({ token: TOKEN, host: '127.0.0.1:1' })).toBe(421);
  });

  it('pushes hub events to connected sockets', async () => {
    const r = await caller.call('campaigns.create', { name: 'Evented' });
    expect(r.ok).toBe(true);
    await expect.poll(() => caller.events.some((e) => e.event === 'campaigns.changed'), { timeout: 3000 }).toBe(true);
  });

  it('answers malformed frames with an error for their id, ignores the rest, and keeps serving', async () => {
    const own = await connectCaller(server.port, TOKEN);
    try {
      own.sendRaw('{not json');
      own.sendRaw(Buffer.from([0xff, 0x00, 0x13]));
      own.sendRaw(JSON.stringify([1, 2, 3]));
      own.sendRaw(JSON.stringify({ method: 'app.info' }));
      own.sendRaw(JSON.stringify({ id: { nested: true }, method: 'app.info' }));
      const noMethod = await own.call(undefined as unknown as string, {});
      expect(noMethod.ok ? 'ok' : noMethod.error.code).toBe('invalid_input');
      const info = await own.call('app.info', {});
      expect(info.ok).toBe(true);
    } finally {
      await own.close();
    }
  });
});

describe('HTTP', () => {
  it('serves the renderer with a strict policy', async () => {
    const r = await get('/');
    expect(r.status).toBe(200);
    expect(r.body).toContain('Campaign Tray');
    const csp = String(r.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${server.port} ws://localhost:${server.port}`);
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['referrer-policy']).toBe('no-referrer');
    const js = await get('/assets/app.js');
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toMatch(/^text\/javascript/);
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    expect((await get('/', `evil.example:${server.port}`)).status).toBe(421);
    expect((await get('/', 'localhost')).status).toBe(421);
    expect((await get('/', `localhost:${server.port}`)).status).toBe(200);
  });

  it('never leaves the renderer folder and lists no directories', async () => {
    for (const p of [
      '/../package.json',
      '/%2e%2e/package.json',
      '/assets/..%2f..%2fpackage.json',
      '/%00',
      '/assets/',
    ]) {
      const r = await get(p);
      expect([400, 404], p).toContain(r.status);
      expect(r.body).not.toContain('outside');
    }
  });
});
