// The window's security rules under plain Node: the CSP string (and that a real Chromium enforces
// it), navigation and external-link rules, the shell's paths, and the built preload bundle.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';
import { chromium } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../main/engine/errors';
import { APP_PAGE_URL } from '../../main/shell/app-protocol';
import { EVENT_CHANNEL_PREFIX } from '../../main/shell/ipc-binding';
import { devServerOrigin, shellPaths, userDataOverride } from '../../main/shell/paths';
import {
  type AppLocation,
  contentSecurityPolicy,
  externalLinkTarget,
  isAppPageUrl,
  type ResponseHeaders,
  withContentSecurityPolicy,
} from '../../main/shell/security';
import { FILE_CHANNELS } from '../../shared/bridge';
import { EVENT_NAMES, REQUEST_NAMES } from '../../shared/channels';
import { chromiumPath, missing } from '../helpers/services';
import { tmpDir } from '../helpers/tmp';

const root = path.resolve(import.meta.dirname, '..', '..');

function directives(csp: string): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const part of csp.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) m.set(name, sources);
  }
  return m;
}

describe('content security policy', () => {
  it('is exactly the strict policy for the packaged page', () => {
    expect(contentSecurityPolicy()).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; " +
        "img-src 'self' data:; font-src 'self'; frame-src 'self'; object-src 'none'; base-uri 'none'; " +
        "form-action 'none'; frame-ancestors 'none'",
    );
  });

  it('never allows inline script, eval or any other origin outside development', () => {
    const d = directives(contentSecurityPolicy(null));
    for (const [name, sources] of d) {
      if (name !== 'style-src') expect(sources.join(' '), name).not.toMatch(/unsafe-/);
      expect(sources.join(' '), name).not.toMatch(/\*|http:|https:|ws:/);
    }
    // Inline styles only: the email preview styles itself inline, styles cannot run code.
    expect(d.get('style-src')).toEqual(["'self'", "'unsafe-inline'"]);
  });

  it('adds only the loopback dev server, its inline preamble and its socket in development', () => {
    const d = directives(contentSecurityPolicy('http://127.0.0.1:5173'));
    expect(d.get('script-src')).toEqual(["'self'", 'http://127.0.0.1:5173', "'unsafe-inline'"]);
    expect(d.get('connect-src')).toEqual(["'self'", 'http://127.0.0.1:5173', 'ws://127.0.0.1:5173']);
    for (const locked of ['object-src', 'base-uri', 'form-action', 'frame-ancestors']) {
      expect(d.get(locked)).toEqual(["'none'"]);
    }
    expect(d.get('script-src')).not.toContain("'unsafe-eval'");
  });

  it.each<{ name: string; input: ResponseHeaders | undefined; kept: ResponseHeaders }>([
    { name: 'no headers', input: undefined, kept: {} },
    {
      name: 'a lax policy from the server (lower case)',
      input: { 'content-security-policy': ['default-src *'], 'content-type': ['text/html'] },
      kept: { 'content-type': ['text/html'] },
    },
    {
      name: 'a policy in mixed case',
      input: { 'Content-Security-Policy': "script-src 'unsafe-inline'", ETag: '"x"' },
      kept: { ETag: '"x"' },
    },
  ])('replaces any CSP header: $name', ({ input, kept }) => {
    const out = withContentSecurityPolicy(input, 'default-src ours');
    expect(out).toEqual({ ...kept, 'Content-Security-Policy': ['default-src ours'] });
  });
});

describe('navigation and links', () => {
  const packaged: AppLocation = { pageUrl: 'app://campaign-tray/index.html', devOrigin: null };
  const dev: AppLocation = { ...packaged, devOrigin: 'http://127.0.0.1:5173' };

  it.each([
    [packaged, packaged.pageUrl, true],
    [packaged, `${packaged.pageUrl}#accounts`, true],
    [packaged, `${packaged.pageUrl}?x=1`, true],
    [packaged, 'app://campaign-tray/other.html', false],
    [packaged, 'app://other/index.html', false],
    [packaged, 'file:///opt/Campaign%20Tray/app.asar/dist/renderer/index.html', false],
    [packaged, 'file:///etc/passwd', false],
    [packaged, 'https://example.com/', false],
    [packaged, 'http://127.0.0.1:5173/', false],
    [packaged, 'javascript:alert(1)', false],
    [packaged, 'about:blank', false],
    [packaged, 'not a url', false],
    [dev, 'http://127.0.0.1:5173/', true],
    [dev, 'http://127.0.0.1:5173/src/main.tsx', true],
    [dev, 'http://127.0.0.1:5174/', false],
    [dev, 'http://localhost:5173/', false],
    [dev, packaged.pageUrl, true],
  ])('%# isAppPageUrl(%o, %s) = %s', (where, url, expected) => {
    expect(isAppPageUrl(url, where)).toBe(expected);
  });

  it.each([
    ['https://support.google.com/a/answer/166852', 'https://support.google.com/a/answer/166852'],
    ['https://EXAMPLE.com', 'https://example.com/'],
    ['http://example.com/', null],
    ['file:///etc/passwd', null],
    ['javascript:alert(1)', null],
    ['mailto:someone@example.com', null],
    ['ms-settings:privacy', null],
    ['https://user:pass@example.com/', null],
    ['https://', null],
    ['', null],
  ])('externalLinkTarget(%s) = %s', (url, expected) => {
    expect(externalLinkTarget(url)).toBe(expected);
  });
});

describe('shell paths and settings', () => {
  it('resolves the renderer, preload and icons from the built main folder', () => {
    const mainDir = path.join(path.sep, 'opt', 'Campaign Tray', 'resources', 'app.asar', 'dist', 'main');
    const p = shellPaths(mainDir);
    const appRoot = path.join(path.sep, 'opt', 'Campaign Tray', 'resources', 'app.asar');
    expect(p.root).toBe(appRoot);
    expect(p.indexHtml).toBe(path.join(appRoot, 'dist', 'renderer', 'index.html'));
    expect(p.preload).toBe(path.join(appRoot, 'dist', 'preload', 'preload.cjs'));
    expect(p.iconDir).toBe(path.join(appRoot, 'build'));
    expect(p.rendererDir).toBe(path.join(appRoot, 'dist', 'renderer'));
    // The page comes from app://, never from its file on disk.
    const where = { pageUrl: APP_PAGE_URL, devOrigin: null };
    expect(isAppPageUrl(`${APP_PAGE_URL}#campaigns`, where)).toBe(true);
    expect(isAppPageUrl(pathToFileURL(p.indexHtml).href, where)).toBe(false);
  });

  it('points at the files the build writes and the icons in the repo', () => {
    const p = shellPaths(path.join(root, 'dist', 'main'));
    expect(p.root).toBe(root);
    for (const icon of ['icon.png', 'tray.png', 'tray@2x.png', 'trayTemplate.png', 'trayTemplate@2x.png']) {
      expect(fs.existsSync(path.join(p.iconDir, icon)), icon).toBe(true);
    }
  });

  it.each([
    [undefined, false, null],
    ['', false, null],
    ['http://127.0.0.1:5173', false, 'http://127.0.0.1:5173'],
    ['http://localhost:5173/some/path', false, 'http://localhost:5173'],
    ['http://127.0.0.1:5173', true, null],
    ['https://evil.example', true, null],
  ])('devServerOrigin(%s, packaged=%s) = %s', (value, packaged, expected) => {
    expect(devServerOrigin(value, packaged)).toBe(expected);
  });

  it.each(['https://127.0.0.1:5173', 'http://192.168.1.20:5173', 'http://evil.example', 'nonsense'])(
    'refuses CT_DEV_SERVER_URL=%s with a message saying what to use',
    (value) => {
      let err: unknown;
      try {
        devServerOrigin(value, false);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe('invalid_input');
      expect((err as AppError).message).toMatch(/CT_DEV_SERVER_URL/);
    },
  );

  it('accepts only an absolute CT_USER_DATA_DIR', () => {
    expect(userDataOverride(undefined)).toBeNull();
    expect(userDataOverride(path.join(path.sep, 'tmp', 'x', '..', 'ct'))).toBe(path.join(path.sep, 'tmp', 'ct'));
    expect(() => userDataOverride('relative/dir')).toThrow(/absolute path/);
  });
});

// The preload bundle as the build makes it, run in a fresh context where `require` knows only
// 'electron' (as in Electron's sandbox); contextBridge and ipcRenderer are recorders.
describe('built preload', () => {
  let exposed: { key: string; api: Record<string, unknown> } | null = null;
  const invoked: { channel: string; args: unknown[] }[] = [];
  const listeners = new Map<string, Set<(...a: unknown[]) => void>>();
  const required: string[] = [];

  beforeAll(async () => {
    const outDir = tmpDir('ct-preload-');
    await build({
      configFile: path.join(root, 'vite.config.ts'),
      root,
      mode: 'preload',
      logLevel: 'silent',
      build: { outDir, emptyOutDir: true },
    });
    const code = fs.readFileSync(path.join(outDir, 'preload.cjs'), 'utf8');
    const electron = {
      contextBridge: {
        exposeInMainWorld(key: string, api: Record<string, unknown>) {
          exposed = { key, api };
        },
      },
      webUtils: {
        getPathForFile: (file: File) => `/home/ann/Downloads/${file.name}`,
      },
      ipcRenderer: {
        invoke(channel: string, ...args: unknown[]) {
          invoked.push({ channel, args });
          return Promise.resolve({ ok: true, value: channel });
        },
        on(channel: string, fn: (...a: unknown[]) => void) {
          if (!listeners.has(channel)) listeners.set(channel, new Set());
          listeners.get(channel)!.add(fn);
        },
        removeListener(channel: string, fn: (...a: unknown[]) => void) {
          listeners.get(channel)?.delete(fn);
        },
      },
    };
    const sandboxRequire = (id: string) => {
      required.push(id);
      if (id === 'electron') return electron;
      throw new Error(`a sandboxed preload cannot require "${id}"`);
    };
    const module = { exports: {} };
    vm.runInNewContext(code, { require: sandboxRequire, module, exports: module.exports, console, File });
  });

  it('requires nothing but electron', () => {
    expect(required).toEqual(['electron']);
  });

  it('exposes one method per request name plus on(), and nothing that reaches IPC directly', () => {
    expect(exposed?.key).toBe('campaignTray');
    const keys = Object.keys(exposed!.api).sort();
    expect(keys).toEqual([...REQUEST_NAMES, 'files', 'on'].sort());
    for (const forbidden of ['invoke', 'send', 'ipcRenderer', 'sendSync', 'postMessage']) {
      expect(exposed!.api).not.toHaveProperty(forbidden);
    }
  });

  it('maps each method to its own channel and defaults a missing input to {}', async () => {
    const api = exposed!.api as Record<string, (input?: unknown) => Promise<unknown>>;
    await expect(api['campaigns.list']!({})).resolves.toEqual({ ok: true, value: 'campaigns.list' });
    await api['app.info']!();
    expect(invoked.slice(-2)).toEqual([
      { channel: 'campaigns.list', args: [{}] },
      { channel: 'app.info', args: [{}] },
    ]);
  });

  it('turns a File into its path only inside the preload, and picks only known kinds', async () => {
    const files = exposed!.api.files as { fromFile(f: unknown): Promise<unknown>; pick(k: unknown): Promise<unknown> };
    await files.fromFile(new File(['x'], 'people.csv'));
    expect(invoked.at(-1)).toEqual({ channel: FILE_CHANNELS.dropped, args: ['/home/ann/Downloads/people.csv'] });
    expect(() => files.fromFile('/etc/passwd')).toThrow(/needs a File/);
    await files.pick('csv');
    expect(invoked.at(-1)).toEqual({ channel: FILE_CHANNELS.pick, args: ['csv'] });
    expect(() => files.pick('/etc/passwd')).toThrow(/Unknown file kind/);
  });

  it('subscribes only to known events, hands over the payload alone, and unsubscribes', () => {
    const on = exposed!.api.on as (e: unknown, cb: unknown) => () => void;
    expect(() => on('ipc:anything', () => {})).toThrow(/Unknown event/);
    expect(() => on('campaign.progress', 'not a function')).toThrow(/needs a function/);

    const got: unknown[][] = [];
    const off = on('account.needsReauth', (...args: unknown[]) => got.push(args));
    const channel = `${EVENT_CHANNEL_PREFIX}account.needsReauth`;
    expect(EVENT_NAMES).toContain('account.needsReauth');
    const registered = [...(listeners.get(channel) ?? [])];
    expect(registered).toHaveLength(1);
    registered[0]!({ sender: 'ipc event object' }, { accountId: 3, label: 'Work', message: 'Sign in again' });
    expect(got).toEqual([[{ accountId: 3, label: 'Work', message: 'Sign in again' }]]);
    off();
    expect(listeners.get(channel)?.size).toBe(0);
  });
});

// A real Chromium loading a page through a server that sends a lax policy, replaced by ours.
const chromiumBin = chromiumPath();
describe.skipIf(missing('Chromium', chromiumBin !== null, 'apt-get install chromium (or set CHROMIUM_PATH)'))(
  'CSP enforced by Chromium',
  () => {
    const servers: http.Server[] = [];
    let crossHits = 0;
    let pageUrl = '';
    let crossUrl = '';

    const listen = async (handler: http.RequestListener) => {
      const s = http.createServer(handler);
      servers.push(s);
      await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
    };

    beforeAll(async () => {
      crossUrl = await listen((_req, res) => {
        crossHits += 1;
        res.writeHead(200, { 'access-control-allow-origin': '*' }).end('cross');
      });
      const csp = contentSecurityPolicy();
      const files: Record<string, [string, string]> = {
        '/': [
          'text/html',
          `<!doctype html><html><head><script src="/app.js"></script>
           <style>#styled { color: rgb(1, 2, 3); }</style></head>
           <body><p id="styled">x</p><script>window.inlineRan = true;</script>
           <img id="data" src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
           <img id="remote" src="${crossUrl}/pixel.gif"></body></html>`,
        ],
        '/app.js': [
          'text/javascript',
          `window.violations = [];
           document.addEventListener('securitypolicyviolation', (e) => window.violations.push(e.effectiveDirective));
           window.selfRan = true;
           try { eval('1'); window.evalRan = true; } catch { window.evalRan = false; }
           window.same = fetch('/same').then((r) => r.text());
           window.cross = fetch('${crossUrl}/x').then(() => 'reached', () => 'blocked');`,
        ],
        '/same': ['text/plain', 'same-origin ok'],
      };
      pageUrl = await listen((req, res) => {
        const f = files[req.url ?? ''];
        if (!f) return void res.writeHead(404).end();
        const headers = withContentSecurityPolicy(
          { 'content-security-policy': 'default-src *', 'content-type': f[0] },
          csp,
        );
        res.writeHead(200, headers).end(f[1]);
      });
    });

    afterAll(async () => {
      for (const s of servers) await new Promise((resolve) => s.close(resolve));
    });

    it('runs the page’s own script and blocks inline script, eval and other origins', async () => {
      const browser = await chromium.launch({
        executablePath: chromiumBin!,
        args: ['--no-sandbox', '--disable-gpu'],
      });
      try {
        const page = await browser.newPage();
        await page.goto(`${pageUrl}/`, { waitUntil: 'load' });
        const result = await page.evaluate(async () => {
          // Runs in the page; typed structurally because the test compiles without DOM types.
          const g = globalThis as unknown as {
            selfRan?: boolean;
            inlineRan?: boolean;
            evalRan?: boolean;
            same: Promise<string>;
            cross: Promise<string>;
            violations: string[];
            document: { getElementById(id: string): ({ complete?: boolean } & object) | null };
            getComputedStyle(el: object): { color: string };
          };
          return {
            selfRan: g.selfRan,
            inlineRan: g.inlineRan ?? false,
            evalRan: g.evalRan,
            same: await g.same,
            cross: await g.cross,
            color: g.getComputedStyle(g.document.getElementById('styled')!).color,
            dataImage: g.document.getElementById('data')?.complete,
            violations: [...new Set(g.violations)].sort(),
          };
        });
        expect(result).toMatchObject({
          selfRan: true,
          inlineRan: false,
          evalRan: false,
          same: 'same-origin ok',
          cross: 'blocked',
        });
        // Inline styles are allowed on purpose (see security.ts); nothing inline runs.
        expect(result.color).toBe('rgb(1, 2, 3)');
        expect(result.dataImage).toBe(true);
        expect(result.violations).toEqual(expect.arrayContaining(['connect-src', 'img-src', 'script-src-elem']));
        expect(result.violations).not.toContain('style-src-elem');
        expect(crossHits).toBe(0);
      } finally {
        await browser.close();
      }
    });
  },
);
