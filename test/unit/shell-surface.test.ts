// The Electron surface as the shell sets it up: the privileged app:// scheme and its file handler,
// the session's permission, permission-check and device handlers, the guards on every web
// contents (main and sub-frame navigation, Bluetooth chooser), the window's preferences, and the
// packaging fuses. Electron cannot run here, so `electron` is a test double recording what the
// shell asks of it (the real app is driven by test/electron in GitHub Actions); the file handler
// itself is real and serves real files.
import fs from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../main/engine/log';
import {
  APP_PAGE_URL,
  APP_SCHEME,
  appFileFor,
  createAppProtocolHandler,
  registerAppScheme,
} from '../../main/shell/app-protocol';
import type { AppLocation } from '../../main/shell/security';
import { cspHeader, cspMeta, PAGE_CSP } from '../../shared/csp';
import { tmpDir } from '../helpers/tmp';

const fake = vi.hoisted(() => {
  type Handler = (...args: unknown[]) => unknown;
  class FakeEmitter {
    handlers = new Map<string, Handler[]>();
    on(name: string, fn: Handler) {
      this.handlers.set(name, [...(this.handlers.get(name) ?? []), fn]);
      return this;
    }
    once(name: string, fn: Handler) {
      return this.on(name, fn);
    }
    emit(name: string, ...args: unknown[]) {
      for (const fn of this.handlers.get(name) ?? []) fn(...args);
    }
  }
  const windows: FakeWindow[] = [];
  class FakeWindow extends FakeEmitter {
    loaded: string[] = [];
    webContents = new FakeEmitter();
    constructor(readonly options: Record<string, unknown>) {
      super();
      windows.push(this);
    }
    loadURL(url: string) {
      this.loaded.push(url);
      return Promise.resolve();
    }
    isDestroyed() {
      return false;
    }
  }
  return { FakeEmitter, FakeWindow, windows, opened: [] as string[] };
});

vi.mock('electron', () => ({
  BrowserWindow: fake.FakeWindow,
  shell: {
    openExternal: async (url: string) => {
      fake.opened.push(url);
    },
  },
}));

const { createMainWindow, hardenContents, hardenSession } = await import('../../main/shell/window');

type Handler = (...args: unknown[]) => unknown;
function fakeSession() {
  const s = new fake.FakeEmitter() as InstanceType<typeof fake.FakeEmitter> & Record<string, unknown>;
  const calls: Record<string, Handler> = {};
  const protocols = new Map<string, (r: Request) => Promise<Response>>();
  Object.assign(s, {
    webRequest: { onHeadersReceived: (fn: Handler) => (calls.onHeadersReceived = fn) },
    protocol: { handle: (scheme: string, fn: (r: Request) => Promise<Response>) => protocols.set(scheme, fn) },
    setPermissionRequestHandler: (fn: Handler) => (calls.permissionRequest = fn),
    setPermissionCheckHandler: (fn: Handler) => (calls.permissionCheck = fn),
    setDevicePermissionHandler: (fn: Handler) => (calls.devicePermission = fn),
    setBluetoothPairingHandler: (fn: Handler) => (calls.bluetoothPairing = fn),
  });
  return { session: s, calls, protocols };
}

const where: AppLocation = { pageUrl: APP_PAGE_URL, devOrigin: null };
let renderer: string;

beforeEach(() => {
  const base = tmpDir('ct-shell-');
  renderer = path.join(base, 'renderer');
  fs.mkdirSync(path.join(renderer, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>Campaign Tray</title>');
  fs.writeFileSync(path.join(renderer, 'assets', 'app.js'), 'console.log(1)');
  fs.writeFileSync(path.join(base, 'secret.txt'), 'outside');
  fs.symlinkSync(path.join(base, 'secret.txt'), path.join(renderer, 'assets', 'out.js'));
});

describe('the app:// scheme', () => {
  it('is registered as standard and secure, and never as CSP-bypassing', () => {
    const calls: unknown[] = [];
    registerAppScheme({ registerSchemesAsPrivileged: (s) => calls.push(s) });
    expect(calls).toEqual([[{ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) }]]);
    const privileges = (calls[0] as { privileges: Record<string, unknown> }[])[0]!.privileges;
    for (const p of ['bypassCSP', 'corsEnabled', 'allowServiceWorkers']) expect(privileges[p]).toBeUndefined();
  });

  it('serves the renderer with the CSP header, and nothing outside it', async () => {
    const csp = cspHeader();
    const handle = createAppProtocolHandler(renderer, csp);
    const page = await handle(new Request(APP_PAGE_URL));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(csp);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('Campaign Tray');
    expect((await handle(new Request('app://campaign-tray/assets/app.js'))).status).toBe(200);
    for (const url of [
      'app://campaign-tray/assets/out.js',
      'app://campaign-tray/../secret.txt',
      'app://campaign-tray/%2e%2e/secret.txt',
      'app://campaign-tray/assets/..%2f..%2fsecret.txt',
      'app://other-host/index.html',
      'app://campaign-tray/assets',
    ]) {
      const r = await handle(new Request(url));
      expect([url, r.status]).toEqual([url, 404]);
      expect(await r.text()).not.toContain('outside');
    }
    expect(await appFileFor(renderer, 'file:///etc/passwd')).toBeNull();
  });
});

describe('the session', () => {
  it('serves app:// through protocol.handle and denies every permission request and check', async () => {
    const { session, calls, protocols } = fakeSession();
    hardenSession(session as never, where, renderer);
    const handler = protocols.get(APP_SCHEME);
    expect(handler).toBeDefined();
    const page = await handler!(new Request(APP_PAGE_URL));
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");

    const answers: boolean[] = [];
    calls.permissionRequest!({}, 'media', (ok: boolean) => answers.push(ok));
    calls.permissionRequest!({}, 'notifications', (ok: boolean) => answers.push(ok));
    expect(answers).toEqual([false, false]);
    for (const p of ['media', 'clipboard-read', 'hid', 'serial', 'usb', 'geolocation']) {
      expect(calls.permissionCheck!({}, p, APP_PAGE_URL, {})).toBe(false);
    }
    expect(calls.devicePermission!({ deviceType: 'usb', origin: APP_PAGE_URL })).toBe(false);
    const pairing: unknown[] = [];
    calls.bluetoothPairing!({ pairingKind: 'confirm' }, (r: unknown) => pairing.push(r));
    expect(pairing).toEqual([{ confirmed: false }]);
  });

  it('answers the HID, serial and USB choosers with no device, without showing one', () => {
    const { session } = fakeSession();
    hardenSession(session as never, where, renderer);
    for (const [event, args] of [
      ['select-hid-device', [{ deviceList: [{ deviceId: 'h1' }] }]],
      ['select-serial-port', [[{ portId: 'p1' }], {}]],
      ['select-usb-device', [{ deviceList: [{ deviceId: 'u1' }] }]],
    ] as const) {
      let prevented = false;
      const picked: unknown[] = [];
      session.emit(event, { preventDefault: () => (prevented = true) }, ...args, (id?: unknown) =>
        picked.push(id ?? ''),
      );
      expect([event, prevented, picked]).toEqual([event, true, ['']]);
    }
  });
});

describe('every web contents', () => {
  function contents() {
    const c = new fake.FakeEmitter() as InstanceType<typeof fake.FakeEmitter> & Record<string, unknown>;
    let openHandler: Handler | null = null;
    c.setWindowOpenHandler = (fn: Handler) => (openHandler = fn);
    hardenContents(c as never, where, silentLogger);
    return { c, open: (url: string) => openHandler!({ url }) };
  }
  const navigate = (c: InstanceType<typeof fake.FakeEmitter>, event: string, url: string, isMainFrame = true) => {
    let prevented = false;
    c.emit(event, { url, isMainFrame, preventDefault: () => (prevented = true) });
    return prevented;
  };

  it('keeps the main frame on the app page', () => {
    const { c } = contents();
    expect(navigate(c, 'will-navigate', `${APP_PAGE_URL}#accounts`)).toBe(false);
    expect(navigate(c, 'will-navigate', 'https://evil.example/')).toBe(true);
    expect(navigate(c, 'will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(navigate(c, 'will-redirect', 'app://campaign-tray/other.html')).toBe(true);
  });

  it('lets sub-frames show only inert documents (the preview srcdoc), never another page', () => {
    const { c } = contents();
    expect(navigate(c, 'will-frame-navigate', 'about:srcdoc', false)).toBe(false);
    expect(navigate(c, 'will-frame-navigate', 'about:blank', false)).toBe(false);
    for (const url of [
      'https://evil.example/',
      APP_PAGE_URL,
      'file:///etc/passwd',
      'data:text/html,x',
      'javascript:1',
    ]) {
      expect([url, navigate(c, 'will-frame-navigate', url, false)]).toEqual([url, true]);
    }
    expect(navigate(c, 'will-frame-navigate', 'https://evil.example/', true)).toBe(true);
    expect(navigate(c, 'will-frame-navigate', APP_PAGE_URL, true)).toBe(false);
  });

  it('answers the Bluetooth chooser with no device, opens no window, and attaches no webview', () => {
    const { c, open } = contents();
    let prevented = false;
    const picked: string[] = [];
    c.emit(
      'select-bluetooth-device',
      { preventDefault: () => (prevented = true) },
      [{ deviceId: 'b1' }],
      (id: string) => picked.push(id),
    );
    expect([prevented, picked]).toEqual([true, ['']]);
    expect(open('https://example.com/help')).toEqual({ action: 'deny' });
    expect(open('file:///etc/passwd')).toEqual({ action: 'deny' });
    expect(fake.opened).toEqual(['https://example.com/help']);
    let webview = false;
    c.emit('will-attach-webview', { preventDefault: () => (webview = true) });
    expect(webview).toBe(true);
  });
});

describe('the window', () => {
  it('is sandboxed and isolated, and loads the app page from app://', () => {
    const win = createMainWindow({
      paths: {
        root: '/app',
        indexHtml: '/app/dist/renderer/index.html',
        rendererDir: '/app/dist/renderer',
        preload: '/app/dist/preload/preload.cjs',
        iconDir: '/app/build',
      },
      where,
      isQuitting: () => false,
      showOnReady: true,
      devTools: false,
      log: silentLogger,
    }) as unknown as InstanceType<typeof fake.FakeWindow>;
    expect(win.loaded).toEqual([APP_PAGE_URL]);
    expect(win.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      devTools: false,
    });
  });
});

describe('one policy for header and meta', () => {
  it('renderer/index.html carries exactly the shared meta policy', () => {
    const html = fs.readFileSync(path.resolve(import.meta.dirname, '../../renderer/index.html'), 'utf8');
    const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
    expect(meta).toBe(cspMeta());
  });

  it('the meta differs from the header only by frame-ancestors and loopback sockets', () => {
    const parse = (p: string) => new Map(p.split('; ').map((d) => [d.split(' ')[0]!, d.split(' ').slice(1)]));
    const header = parse(cspHeader());
    const meta = parse(cspMeta());
    for (const [name] of PAGE_CSP) {
      if (name === 'frame-ancestors') expect(meta.has(name)).toBe(false);
      else if (name === 'connect-src')
        expect(meta.get(name)).toEqual([...header.get(name)!, 'ws://127.0.0.1:*', 'ws://localhost:*']);
      else expect([name, meta.get(name)]).toEqual([name, header.get(name)]);
    }
  });
});

describe('packaging', () => {
  const root = path.resolve(import.meta.dirname, '../..');

  it('turns on embedded asar integrity and off the file protocol’s extra privileges', () => {
    const yml = fs.readFileSync(path.join(root, 'electron-builder.yml'), 'utf8');
    const fuses = yml.slice(yml.indexOf('electronFuses:')).split('\n\n')[0]!;
    for (const [fuse, value] of [
      ['runAsNode', 'false'],
      ['enableNodeOptionsEnvironmentVariable', 'false'],
      ['enableNodeCliInspectArguments', 'false'],
      ['onlyLoadAppFromAsar', 'true'],
      ['enableCookieEncryption', 'true'],
      ['enableEmbeddedAsarIntegrityValidation', 'true'],
      ['grantFileProtocolExtraPrivileges', 'false'],
    ]) {
      expect(fuses).toMatch(new RegExp(`\\n  ${fuse}: ${value}\\b`));
    }
  });

  it('builds on the newest Electron 45 patch', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8'));
    expect(pkg.devDependencies.electron).toBe('^45.5.0');
    expect(lock.packages['node_modules/electron'].version).toBe('45.5.0');
  });
});
