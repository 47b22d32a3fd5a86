// Command-line options of the headless server and where its data lives by default.
import os from 'node:os';
import path from 'node:path';
import { AppError } from '../engine/errors';

export interface ServeOptions {
  /** 0 picks a free port. */
  port: number;
  dataDir: string;
}

const USAGE = 'Usage: serve [--port N] [--data-dir DIR]';

/** The per-user data folder, following each platform's convention. */
export function defaultDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = os.homedir(),
): string {
  if (env.CT_DATA_DIR) return path.resolve(env.CT_DATA_DIR);
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Campaign Tray');
  if (platform === 'win32') return path.join(env.APPDATA || path.join(home, 'AppData', 'Roaming'), 'Campaign Tray');
  return path.join(env.XDG_DATA_HOME || path.join(home, '.local', 'share'), 'campaign-tray');
}

export function parseServeArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): ServeOptions {
  let port = 0;
  let dataDir: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? arg.split(/=(.*)/s, 2) : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new AppError('invalid_input', `${flag} needs a value. ${USAGE}`);
      return v;
    };
    switch (flag) {
      case '--port': {
        const v = value();
        const n = Number(v);
        if (!/^\d+$/.test(v) || n > 65535) {
          throw new AppError(
            'invalid_input',
            `--port must be a number from 0 to 65535 (0 picks a free port), not "${v}".`,
          );
        }
        port = n;
        break;
      }
      case '--data-dir':
        dataDir = path.resolve(value());
        break;
      default:
        throw new AppError('invalid_input', `Unknown option "${arg}". ${USAGE}`);
    }
  }
  return { port, dataDir: dataDir ?? defaultDataDir(env) };
}
