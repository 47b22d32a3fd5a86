// Where the shell finds its files. Everything is resolved from the folder of the built main
// entry (dist/main), so the same code works from the repo, from app.asar, and from a dev build.
// No Electron import: the unit tests check these rules under plain Node.
import path from 'node:path';
import { AppError } from '../engine/errors';

export interface ShellPaths {
  /** The app root: the repo when run with `electron .`, app.asar when packaged. */
  root: string;
  indexHtml: string;
  /** The built renderer, served to the window as app://campaign-tray/ (app-protocol.ts). */
  rendererDir: string;
  preload: string;
  /** Tray and window icons (shipped through electron-builder's `files`). */
  iconDir: string;
}

/** mainDir is the folder of the built main file, dist/main. */
export function shellPaths(mainDir: string): ShellPaths {
  const root = path.resolve(mainDir, '..', '..');
  const rendererDir = path.join(root, 'dist', 'renderer');
  return {
    root,
    indexHtml: path.join(rendererDir, 'index.html'),
    rendererDir,
    preload: path.join(root, 'dist', 'preload', 'preload.cjs'),
    iconDir: path.join(root, 'build'),
  };
}

/**
 * The Vite dev server origin from CT_DEV_SERVER_URL, honoured only for unpackaged runs and only
 * on loopback: anything else would let a remote page drive the engine.
 */
export function devServerOrigin(value: string | undefined, packaged: boolean): string | null {
  if (packaged || !value) return null;
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new AppError(
      'invalid_input',
      `CT_DEV_SERVER_URL is not a URL: "${value}". Use e.g. http://127.0.0.1:5173 or unset it.`,
    );
  }
  const loopback = u.hostname === '127.0.0.1' || u.hostname === 'localhost' || u.hostname === '[::1]';
  if (u.protocol !== 'http:' || !loopback) {
    throw new AppError(
      'invalid_input',
      `CT_DEV_SERVER_URL must be an http URL on this machine (127.0.0.1 or localhost), not "${value}".`,
    );
  }
  return u.origin;
}

/**
 * An explicit data folder (CT_USER_DATA_DIR) for portable installs and end-to-end tests; it must be
 * absolute so the single-instance lock and the database never depend on the working directory.
 */
export function userDataOverride(value: string | undefined): string | null {
  if (!value) return null;
  if (!path.isAbsolute(value)) {
    throw new AppError('invalid_input', `CT_USER_DATA_DIR must be an absolute path, not "${value}".`);
  }
  return path.normalize(value);
}
