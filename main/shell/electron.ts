// The Electron entry: app lifecycle only. The engine does the work; the modules next to this
// file own the window, the tray, notifications and power; this file wires them together.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
// biome-ignore lint/style/noRestrictedImports: the entry only hands ipcMain to bindIpc, which owns every handler.
import { app, type BrowserWindow, dialog, ipcMain, protocol, session, shell } from 'electron';
import { systemClock } from '../engine/clock';
import { createEngine, type Engine, SHUTDOWN_WAIT_MS } from '../engine/engine';
import { AppError } from '../engine/errors';
import { createLogger } from '../engine/log';
import { makePrivateDir, PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../engine/private-files';
import { createDispatcher } from '../rpc/dispatch';
import { APP_PAGE_URL, registerAppScheme } from './app-protocol';
import { electronLoginItem, electronNotifier, electronPower, electronTray } from './electron-ui';
import { engineLink } from './engine-link';
import { pickFile } from './file-dialog';
import { bindFileIpc } from './file-ipc';
import { bindIpc, forwardEvents, type IpcEventLike, isTrustedFrameUrl } from './ipc-binding';
import { startLoginItem } from './login-item';
import { ShellModel } from './model';
import { startNotifications } from './notifications';
import { devServerOrigin, shellPaths, userDataOverride } from './paths';
import { startPowerGuard } from './power';
import { type AppLocation, externalLinkTarget } from './security';
import { createTray } from './tray';
import { createMainWindow, hardenContents, hardenSession, type ShellView, showWindow } from './window';

const APP_ID = 'com.campaigntray.app';
/** How long quitting waits before exiting anyway: the engine's own wait for sends on the wire, plus
 * time to close transports, the database and the folder's lock. */
const STOP_TIMEOUT_MS = SHUTDOWN_WAIT_MS + 5_000;
const LOG_ROTATE_BYTES = 5_000_000;

let logSink: fs.WriteStream | null = null;
const log = createLogger((line) => {
  process.stderr.write(`${line}\n`);
  logSink?.write(`${line}\n`);
});
// This file is the entry chunk, so import.meta.url is dist/main/electron.js.
const paths = shellPaths(path.dirname(fileURLToPath(import.meta.url)));

let engine: Engine | null = null;
let win: BrowserWindow | null = null;
/** Undo functions of everything started, run in reverse before the engine stops. */
const cleanups: (() => void)[] = [];
let quitting = false;
let stopping = false;

/** The log file in the data folder, so "details are in the log" points somewhere real. */
function openLogFile(dataDir: string) {
  try {
    const dir = path.join(dataDir, 'logs');
    makePrivateDir(dir);
    const file = path.join(dir, 'main.log');
    if (fs.existsSync(file) && fs.statSync(file).size > LOG_ROTATE_BYTES) fs.renameSync(file, `${file}.1`);
    logSink = fs.createWriteStream(file, { flags: 'a', mode: PRIVATE_FILE_MODE });
    logSink.on('error', () => {
      logSink = null;
    });
  } catch {
    // Without a log file the app still runs; stderr keeps the lines.
  }
}

function open(view?: ShellView) {
  if (win && !win.isDestroyed()) showWindow(win, view);
}

/** A start that fails (damaged or newer database, bad CT_* setting) is told to the user, then the app exits. */
function failStart(err: unknown) {
  log.error('start failed', err);
  const message =
    err instanceof AppError ? err.message : 'Something went wrong while starting. Details are in the log.';
  dialog.showErrorBox('Campaign Tray could not start', message);
  const e = engine;
  engine = null;
  void (e ? stopWithin(e, 5_000) : Promise.resolve()).finally(() => app.exit(1));
}

async function start(where: AppLocation) {
  if (process.platform === 'win32') app.setAppUserModelId(APP_ID);
  hardenSession(session.defaultSession, where, paths.rendererDir);

  const dataDir = app.getPath('userData');
  // The app's own folder (Electron may have created it already): only the user may read it.
  makePrivateDir(dataDir);
  if (process.platform !== 'win32') fs.chmodSync(dataDir, PRIVATE_DIR_MODE);
  engine = await createEngine({
    dataDir,
    host: 'electron',
    log,
    openExternal: (url) => {
      const target = externalLinkTarget(url);
      if (target) void shell.openExternal(target).catch((err) => log.error('could not open the browser', err));
      else log.error('refused to open a non-https address in the browser');
    },
  });
  const isTrusted = (e: IpcEventLike) =>
    isTrustedFrameUrl(e.senderFrame?.url, where.devOrigin ? [where.devOrigin] : [], where.pageUrl);
  const dispatch = createDispatcher(engine.handlers, log);
  cleanups.push(bindIpc(ipcMain, dispatch, isTrusted));
  cleanups.push(bindFileIpc(ipcMain, isTrusted, { files: engine.files, pick: (kind) => pickFile(win, kind) }));
  await engine.start();

  const window = createMainWindow({
    paths,
    where,
    isQuitting: () => quitting,
    showOnReady: !process.argv.includes('--hidden'),
    devTools: !app.isPackaged,
    log,
  });
  win = window;
  const stopForwarding = forwardEvents(engine.hub, (channel, payload) => {
    if (!window.isDestroyed()) window.webContents.send(channel, payload);
  });
  cleanups.push(stopForwarding);
  window.on('closed', () => {
    stopForwarding();
    win = null;
  });

  // The tray, notifications and power guard see the engine only through the contract and its events.
  const link = engineLink(dispatch, engine.hub);
  const model = new ShellModel(link, log);
  cleanups.push(() => model.stop());
  cleanups.push(startNotifications({ ui: electronNotifier(paths.iconDir), link, clock: systemClock, open, log }));
  // Unpackaged runs would register the Electron binary itself to start at login.
  if (app.isPackaged) cleanups.push(startLoginItem({ ui: electronLoginItem, link, log }));
  await model.start();
  const tray = createTray({
    ui: electronTray(paths.iconDir),
    model,
    link,
    clock: systemClock,
    open,
    quit: () => app.quit(),
    log,
  });
  cleanups.push(() => tray.destroy());
  cleanups.push(startPowerGuard({ ui: electronPower, model, log }));
}

/** Resolves when the engine stopped or the timeout passed, whichever comes first. */
async function stopWithin(e: Engine, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      log.warn(`the engine did not stop within ${ms} ms; quitting anyway`);
      resolve();
    }, ms);
  });
  try {
    await Promise.race([e.stop(), timeout]);
  } catch (err) {
    log.error('the engine did not stop cleanly', err);
  } finally {
    clearTimeout(timer);
  }
}

async function shutDown(e: Engine) {
  for (const cleanup of cleanups.splice(0).reverse()) {
    try {
      cleanup();
    } catch (err) {
      log.warn('cleanup failed', err);
    }
  }
  await stopWithin(e, STOP_TIMEOUT_MS);
  logSink?.end();
  app.exit(0);
}

function main() {
  // Privileged schemes must be registered before the app is ready.
  registerAppScheme(protocol);
  // Before anything reads userData: the single-instance lock and the database live there.
  const dataOverride = userDataOverride(process.env.CT_USER_DATA_DIR);
  if (dataOverride) app.setPath('userData', dataOverride);

  if (!app.requestSingleInstanceLock()) {
    // Another Campaign Tray owns this data folder; it shows its window ('second-instance').
    app.exit(0);
    return;
  }
  openLogFile(app.getPath('userData'));
  const where: AppLocation = {
    pageUrl: APP_PAGE_URL,
    devOrigin: devServerOrigin(process.env.CT_DEV_SERVER_URL, app.isPackaged),
  };

  app.on('web-contents-created', (_event, contents) => hardenContents(contents, where, log));
  app.on('second-instance', () => open());
  app.on('activate', () => open());
  // The window only hides; with no window at all the app still runs in the tray.
  app.on('window-all-closed', () => {});

  // Quit comes from the tray menu or the app menu (Cmd+Q). Hold it until the engine has
  // committed what is on the wire, then exit for real (app.exit emits no second before-quit).
  app.on('before-quit', (event) => {
    quitting = true;
    if (!engine) return;
    event.preventDefault();
    if (stopping) return;
    stopping = true;
    void shutDown(engine);
  });

  app
    .whenReady()
    .then(() => start(where))
    .catch(failStart);
}

try {
  main();
} catch (err) {
  // A bad CT_* setting: no window exists yet, so the error dialog stands alone.
  void app.whenReady().then(() => failStart(err));
}
