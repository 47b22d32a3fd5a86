// The one app window and the guards every page in the app runs behind: the page from its own
// app:// scheme with a strict CSP, no new windows, no navigation away from the app's own page (nor
// of a sub-frame to any page), no permissions, no device choosers, no <webview>.
import path from 'node:path';
import { BrowserWindow, type Session, shell, type WebContents } from 'electron';
import type { Logger } from '../engine/log';
import { APP_SCHEME, createAppProtocolHandler } from './app-protocol';
import type { ShellPaths } from './paths';
import {
  type AppLocation,
  contentSecurityPolicy,
  externalLinkTarget,
  isAppPageUrl,
  isInertFrameUrl,
  withContentSecurityPolicy,
} from './security';

/** Screens the shell can open from outside the page (tray, notifications), as URL fragments. */
export type ShellView = 'campaigns' | 'accounts';

export function hardenSession(session: Session, where: AppLocation, rendererDir: string): void {
  const csp = contentSecurityPolicy(where.devOrigin);
  // The packaged page and its files, each response with the CSP header.
  session.protocol.handle(APP_SCHEME, createAppProtocolHandler(rendererDir, csp));
  // Responses from elsewhere (the dev server) get the same policy in place of their own.
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withContentSecurityPolicy(details.responseHeaders, csp) });
  });
  // Camera, notifications from the page, geolocation, devices…: the app needs none of them, so
  // every request is refused, every check answers "not granted", and no chooser ever opens.
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  session.on('select-hid-device', (event, _details, callback) => {
    event.preventDefault();
    callback();
  });
  session.on('select-serial-port', (event, _ports, _contents, callback) => {
    event.preventDefault();
    callback('');
  });
  session.on('select-usb-device', (event, _details, callback) => {
    event.preventDefault();
    callback();
  });
  // Windows and Linux only.
  session.setBluetoothPairingHandler?.((_details, callback) => callback({ confirmed: false }));
}

/** Applied to every web contents the app creates (app 'web-contents-created'). */
export function hardenContents(contents: WebContents, where: AppLocation, log: Logger): void {
  contents.setWindowOpenHandler(({ url }) => {
    const target = externalLinkTarget(url);
    if (target) void shell.openExternal(target).catch((err) => log.warn('could not open a link in the browser', err));
    return { action: 'deny' };
  });
  const guard = (event: { url: string; preventDefault(): void }) => {
    if (isAppPageUrl(event.url, where)) return;
    event.preventDefault();
    // The scheme only: a full URL could carry tokens into the log.
    log.warn(`blocked a navigation away from the app page (${event.url.split(':', 1)[0]}: URL)`);
  };
  contents.on('will-navigate', (event) => guard(event));
  contents.on('will-redirect', (event) => guard(event));
  // Every frame: the main one stays on the app page, a sub-frame may show only an inert document.
  contents.on('will-frame-navigate', (event) => {
    if (event.isMainFrame) return guard(event);
    if (isInertFrameUrl(event.url)) return;
    event.preventDefault();
    log.warn(`blocked a frame navigation (${event.url.split(':', 1)[0]}: URL)`);
  });
  contents.on('select-bluetooth-device', (event, _devices, callback) => {
    event.preventDefault();
    callback('');
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

export interface MainWindowOptions {
  paths: ShellPaths;
  where: AppLocation;
  /** Closing hides to the tray until the app is really quitting. */
  isQuitting(): boolean;
  /** false when started at login: the tray is enough until the user opens the window. */
  showOnReady: boolean;
  devTools: boolean;
  log: Logger;
}

export function createMainWindow(opts: MainWindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    width: 1200,
    height: 820,
    minWidth: 880,
    minHeight: 560,
    show: false,
    title: 'Campaign Tray',
    autoHideMenuBar: true,
    // macOS takes the icon from the app bundle; Windows and Linux from here.
    ...(process.platform === 'darwin' ? {} : { icon: path.join(opts.paths.iconDir, 'icon.png') }),
    webPreferences: {
      preload: opts.paths.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      devTools: opts.devTools,
    },
  });

  win.on('close', (event) => {
    if (opts.isQuitting()) return;
    // The sender keeps running in the background; the tray menu is the way to quit.
    event.preventDefault();
    win.hide();
  });
  if (opts.showOnReady) win.once('ready-to-show', () => win.show());

  win.webContents.on('render-process-gone', (_event, details) => {
    opts.log.error(`the window's page stopped (${details.reason})`);
    if (details.reason !== 'clean-exit' && !win.isDestroyed() && !opts.isQuitting()) win.reload();
  });

  const url = opts.where.devOrigin ? `${opts.where.devOrigin}/` : opts.where.pageUrl;
  win.loadURL(url).catch((err) => opts.log.error('the window could not load the app page', err));
  return win;
}

/** Brings the window to the front, optionally on a given screen. */
export function showWindow(win: BrowserWindow, view?: ShellView): void {
  if (win.isDestroyed()) return;
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
  if (view) {
    // A fixed string from a closed set: nothing the page or a notification supplies reaches the code.
    void win.webContents.executeJavaScript(`location.hash = ${JSON.stringify(`#${view}`)}`).catch(() => {});
  }
}
