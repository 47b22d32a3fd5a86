// The real app in a real Electron: window hardening, the preload bridge, IPC into the engine,
// hide-to-tray and the single-instance handover. Needs the Electron binary and a display
// (CI: `xvfb-run -a npm run test:electron` in the electron-e2e job).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REQUEST_NAMES } from '../../shared/channels';
import type { AppInfo } from '../../shared/contract';
import type { Result } from '../../shared/result';
import { strict } from '../helpers/services';
import { tmpDir } from '../helpers/tmp';

const root = path.resolve(import.meta.dirname, '..', '..');
/** The page comes from the app's own privileged scheme, never from file://. */
const pageUrl = 'app://campaign-tray/index.html';

/**
 * The Electron executable, or null when it was never downloaded. Resolved the way the electron
 * package's index.js does (path.txt under node_modules/electron), without requiring it: requiring
 * it would start a download on a machine that has none.
 */
function electronBinary(): string | null {
  let dir: string;
  try {
    dir = path.dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return null;
  }
  const pathFile = path.join(dir, 'path.txt');
  if (!fs.existsSync(pathFile)) return null;
  const rel = fs.readFileSync(pathFile, 'utf8').trim();
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const bin = override ? path.join(override, rel) : path.join(dir, 'dist', rel);
  return fs.existsSync(bin) ? bin : null;
}

const binary = electronBinary();
const SKIP_MESSAGE =
  'skipped: Electron binary not available on this machine — runs in GitHub Actions (electron-e2e job)';
if (!binary) {
  if (strict)
    throw new Error('The Electron binary is required in CI but missing: run "npx install-electron" after npm ci.');
  console.warn(`\n${'!'.repeat(100)}\n${SKIP_MESSAGE}\n${'!'.repeat(100)}\n`);
}

/** What the page sees; evaluated in the page, so only structural types. */
interface PageGlobals {
  campaignTray?: Record<string, unknown> & {
    'app.info'(input: object): Promise<Result<AppInfo>>;
    on(event: string, cb: (p: unknown) => void): () => void;
  };
  require?: unknown;
  process?: unknown;
  inlineRan?: boolean;
  document: { createElement(tag: 'script'): { textContent: string }; head: { appendChild(n: unknown): void } };
  location: { href: string };
  open(url: string): unknown;
}

function cleanEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && k !== 'CT_DEV_SERVER_URL' && k !== 'ELECTRON_RUN_AS_NODE') env[k] = v;
  }
  return { ...env, ...extra };
}

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return check();
}

describe.skipIf(!binary)('Campaign Tray in Electron', () => {
  let app: ElectronApplication;
  let page: Page;
  const dataDir = tmpDir('ct-e2e-');
  const env = cleanEnv({ CT_USER_DATA_DIR: dataDir });

  beforeAll(async () => {
    for (const built of ['dist/main/electron.js', 'dist/preload/preload.cjs', 'dist/renderer/index.html']) {
      if (!fs.existsSync(path.join(root, built))) throw new Error(`${built} is missing: run "npm run build" first.`);
    }
    app = await _electron.launch({ args: ['.'], cwd: root, env, timeout: 60_000 });
    page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
  });

  afterAll(async () => {
    await app?.close();
  });

  it('opens one window with context isolation, the sandbox and no Node', async () => {
    const prefs = await app.evaluate(({ BrowserWindow }) => {
      const wins = BrowserWindow.getAllWindows();
      // Undocumented but long-standing: the preferences the page was really created with.
      const contents = wins[0]!.webContents as unknown as { getLastWebPreferences(): Record<string, unknown> };
      const p = contents.getLastWebPreferences();
      return {
        windows: wins.length,
        contextIsolation: p.contextIsolation,
        sandbox: p.sandbox,
        nodeIntegration: p.nodeIntegration,
        webSecurity: p.webSecurity,
        webviewTag: p.webviewTag,
      };
    });
    expect(prefs).toEqual({
      windows: 1,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
    });
    expect(page.url().split('#')[0]).toBe(pageUrl);
  });

  it('gives the page the named bridge only: no invoke, no require, no process', async () => {
    const seen = await page.evaluate(() => {
      const g = globalThis as unknown as PageGlobals;
      const bridge = g.campaignTray;
      let unknownEvent = '';
      try {
        bridge?.on('ipc:anything', () => {});
      } catch (e) {
        unknownEvent = String(e);
      }
      return {
        keys: bridge ? Object.keys(bridge).sort() : null,
        hasInvoke: bridge ? 'invoke' in bridge : null,
        require: typeof g.require,
        process: typeof g.process,
        unknownEvent,
      };
    });
    expect(seen.keys).toEqual([...REQUEST_NAMES, 'files', 'on'].sort());
    expect(seen.hasInvoke).toBe(false);
    expect(seen.require).toBe('undefined');
    expect(seen.process).toBe('undefined');
    expect(seen.unknownEvent).toMatch(/Unknown event/);
  });

  it('answers requests from the engine over IPC', async () => {
    const info = await page.evaluate(() => (globalThis as unknown as PageGlobals).campaignTray!['app.info']({}));
    expect(info.ok).toBe(true);
    if (!info.ok) return;
    expect(info.value.transport).toBe('electron');
    expect(info.value.name).toBe('Campaign Tray');
    expect(fs.realpathSync(info.value.dataDir)).toBe(fs.realpathSync(dataDir));
  });

  it('blocks inline script through the CSP', async () => {
    const ran = await page.evaluate(async () => {
      const g = globalThis as unknown as PageGlobals;
      const s = g.document.createElement('script');
      s.textContent = 'globalThis.inlineRan = true';
      g.document.head.appendChild(s);
      await new Promise((r) => setTimeout(r, 100));
      return g.inlineRan === true;
    });
    expect(ran).toBe(false);
  });

  it('keeps the window on the app page and opens no new windows', async () => {
    await page.evaluate(() => {
      const g = globalThis as unknown as PageGlobals;
      g.open('about:blank');
      g.location.href = 'https://example.com/';
    });
    await new Promise((r) => setTimeout(r, 1_500));
    const state = await app.evaluate(({ BrowserWindow }) => {
      const wins = BrowserWindow.getAllWindows();
      return { windows: wins.length, url: wins[0]!.webContents.getURL() };
    });
    expect(state.windows).toBe(1);
    expect(state.url.split('#')[0]).toBe(pageUrl);
  });

  it('answers every permission check with "denied" and serves the page with its CSP header', async () => {
    const states = await page.evaluate(async () => {
      const nav = (
        globalThis as unknown as {
          navigator: { permissions: { query(d: { name: string }): Promise<{ state: string }> } };
        }
      ).navigator;
      const out: Record<string, string> = {};
      for (const name of ['geolocation', 'notifications', 'camera', 'microphone', 'clipboard-read']) {
        out[name] = await nav.permissions.query({ name }).then(
          (s) => s.state,
          () => 'denied',
        );
      }
      return out;
    });
    for (const [name, state] of Object.entries(states)) expect([name, state]).toEqual([name, 'denied']);
    const csp = await page.evaluate(async () => {
      const r = await fetch('app://campaign-tray/index.html');
      return r.headers.get('content-security-policy');
    });
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
  });

  it('keeps a sub-frame from navigating to any page', async () => {
    await page.evaluate(async () => {
      const g = globalThis as unknown as {
        document: { createElement(t: 'iframe'): { src: string; id: string }; body: { appendChild(n: unknown): void } };
      };
      const f = g.document.createElement('iframe');
      f.id = 'probe-frame';
      f.src = 'https://example.com/';
      g.document.body.appendChild(f);
      await new Promise((r) => setTimeout(r, 1_500));
    });
    const frames = await app.evaluate(({ BrowserWindow }) =>
      BrowserWindow.getAllWindows()[0]!.webContents.mainFrame.frames.map((f) => f.url),
    );
    expect(frames.some((u) => u.startsWith('https://'))).toBe(false);
  });

  it('hides to the tray when the window is closed, and a second launch shows it again', async () => {
    await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.close());
    const hidden = await app.evaluate(({ BrowserWindow }) => {
      const wins = BrowserWindow.getAllWindows();
      return { windows: wins.length, visible: wins[0]?.isVisible() ?? null };
    });
    expect(hidden).toEqual({ windows: 1, visible: false });
    // The app (and its engine) still answer.
    const info = await page.evaluate(() => (globalThis as unknown as PageGlobals).campaignTray!['app.info']({}));
    expect(info.ok).toBe(true);

    // A second instance on the same data folder hands over to the first and exits.
    const args = process.platform === 'linux' ? ['--no-sandbox', '.'] : ['.'];
    const second = spawn(binary!, args, { cwd: root, env, stdio: 'ignore' });
    const code = await new Promise<number | null>((resolve) => second.on('exit', resolve));
    expect(code).toBe(0);
    const shown = await until(
      () => app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.isVisible() === true),
      10_000,
    );
    expect(shown).toBe(true);
  });
});
