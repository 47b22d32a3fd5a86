// The app's page comes from its own privileged scheme, app://campaign-tray/, instead of file://.
// So 'self' in the CSP means the app's own files and nothing else on disk, the page has a real
// origin (no file-wide privileges), and every response carries the CSP header. No Electron
// import: main wires `protocol.handle` to the handler here, and the unit tests drive it directly.
import fs from 'node:fs';
import path from 'node:path';

export const APP_SCHEME = 'app';
export const APP_HOST = 'campaign-tray';
/** The exact page the window loads; IPC trusts only frames showing it (or the dev server). */
export const APP_PAGE_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/**
 * Standard (so relative URLs and the origin work) and secure (a secure context, like https). Not
 * bypassCSP, not corsEnabled, no service workers: the scheme gets nothing a web page would not.
 */
export const APP_SCHEME_PRIVILEGES = {
  standard: true,
  secure: true,
  supportFetchAPI: true,
  codeCache: true,
} as const;

/** The part of Electron's `protocol` that registers the scheme (before the app is ready). */
export interface SchemeRegistrar {
  registerSchemesAsPrivileged(schemes: { scheme: string; privileges: typeof APP_SCHEME_PRIVILEGES }[]): void;
}

export function registerAppScheme(protocol: SchemeRegistrar): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/**
 * The file inside `root` that an app:// URL names, or null: another host, dot segments, encoded
 * separators, NUL, or a path whose real location (symlinks resolved) is outside the real root.
 */
export async function appFileFor(root: string, url: string): Promise<string | null> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST) return null;
  let decoded: string;
  try {
    decoded = decodeURIComponent(u.pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const parts = decoded.split('/').filter((p) => p !== '');
  if (parts.some((p) => p === '.' || p === '..')) return null;
  const file = path.join(root, ...(parts.length ? parts : ['index.html']));
  try {
    const [realRoot, realFile] = await Promise.all([fs.promises.realpath(root), fs.promises.realpath(file)]);
    if (!realFile.startsWith(realRoot + path.sep)) return null;
    return (await fs.promises.stat(realFile)).isFile() ? realFile : null;
  } catch {
    return null;
  }
}

/** The handler for `protocol.handle(APP_SCHEME, …)`: the renderer's files, each with the CSP header. */
export function createAppProtocolHandler(root: string, csp: string): (request: Request) => Promise<Response> {
  const headers = (type: string) => ({
    'Content-Type': type,
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-cache',
  });
  return async (request) => {
    const file = request.method === 'GET' ? await appFileFor(root, request.url) : null;
    if (!file) return new Response('Not found.', { status: 404, headers: headers('text/plain; charset=utf-8') });
    const type = CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
    return new Response(await fs.promises.readFile(file), { status: 200, headers: headers(type) });
  };
}
