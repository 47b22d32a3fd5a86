// Command-line options of the headless server and where its data lives by default.

import { isIP } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { AppError } from '../engine/errors';
import { parseOneClickBase } from '../engine/messages/unsubscribe';

export interface ServeOptions {
  /** 0 picks a free port. */
  port: number;
  dataDir: string;
  /** The one-click unsubscribe endpoint: off unless both of its options are given. */
  oneClick: OneClickOptions | null;
}

export interface OneClickOptions {
  /** The public https base URL the reverse proxy answers on (normalised). */
  baseUrl: string;
  /** Where the endpoint's own listener binds (the proxy forwards to it). */
  host: string;
  port: number;
  /** The reverse proxy on this machine sets X-Forwarded-For to the client's address. */
  trustProxy: boolean;
}

const USAGE =
  'Usage: serve [--port N] [--data-dir DIR] [--unsubscribe-url https://… --unsubscribe-listen [HOST:]PORT [--unsubscribe-trust-proxy]]';

/** "8090", "127.0.0.1:8090", "[::1]:8090" or "0.0.0.0:8090"; the host defaults to loopback. */
export function parseListen(v: string): { host: string; port: number } {
  const m = v.match(/^(?:(\[[0-9a-fA-F:.]+\]|[^:[\]]+):)?(\d{1,5})$/);
  const port = m ? Number(m[2]) : Number.NaN;
  const host = m?.[1]?.replace(/^\[|\]$/g, '') ?? '127.0.0.1';
  if (!m || port > 65535 || (m[1]?.startsWith('[') && isIP(host) !== 6)) {
    throw new AppError(
      'invalid_input',
      `--unsubscribe-listen must be a port or HOST:PORT (for example 127.0.0.1:8090), not "${v}".`,
    );
  }
  return { host, port };
}

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
  let unsubscribeUrl: string | null = null;
  let unsubscribeListen: { host: string; port: number } | null = null;
  let trustProxy = false;
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
      case '--unsubscribe-url':
        unsubscribeUrl = parseOneClickBase(value());
        break;
      case '--unsubscribe-listen':
        unsubscribeListen = parseListen(value());
        break;
      case '--unsubscribe-trust-proxy':
        if (inline !== undefined)
          throw new AppError('invalid_input', `--unsubscribe-trust-proxy takes no value. ${USAGE}`);
        trustProxy = true;
        break;
      default:
        throw new AppError('invalid_input', `Unknown option "${arg}". ${USAGE}`);
    }
  }
  if ((unsubscribeUrl === null) !== (unsubscribeListen === null)) {
    throw new AppError(
      'invalid_input',
      'One-click unsubscribe needs both --unsubscribe-url (the public https address) and --unsubscribe-listen ' +
        '(where its listener binds, behind your reverse proxy).',
    );
  }
  if (trustProxy && unsubscribeUrl === null) {
    throw new AppError(
      'invalid_input',
      '--unsubscribe-trust-proxy belongs to the one-click unsubscribe endpoint: give --unsubscribe-url and --unsubscribe-listen too.',
    );
  }
  const oneClick =
    unsubscribeUrl && unsubscribeListen ? { baseUrl: unsubscribeUrl, ...unsubscribeListen, trustProxy } : null;
  return { port, dataDir: dataDir ?? defaultDataDir(env), oneClick };
}
