// The headless server: the built renderer over HTTP plus the WebSocket endpoint, bound to
// loopback only. Every request must name this server in its Host header, so a page on another
// origin cannot reach it through DNS rebinding.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { UPLOAD_PATH } from '../../shared/bridge';
import { cspHeader } from '../../shared/csp';
import type { EventHub } from '../engine/events/hub';
import type { FileRegistry } from '../engine/files/registry';
import type { Logger } from '../engine/log';
import type { Dispatch } from '../rpc/dispatch';
import { createUploadHandler, MAX_UPLOAD_BYTES } from './upload';
import { bindWebSocket, MAX_SOCKETS, REFUSED_UPGRADES_PER_MINUTE, type WsBinding } from './ws-binding';

export { UPLOAD_TOKEN_HEADER as TOKEN_HEADER } from '../../shared/bridge';
export { UPLOAD_PATH };

export interface ServerLimits {
  /** Open WebSockets at once (browser tabs). */
  maxSockets: number;
  maxUploadBytes: number;
  /** Refused upgrades answered (and logged) per minute; past that they get 429 and no log line. */
  refusedPerMinute: number;
}

export interface HttpServerOptions {
  /** Folder with the built renderer (index.html and assets/). */
  rendererDir: string;
  /** 0 picks a free port. */
  port: number;
  token: string;
  dispatch: Dispatch;
  hub: EventHub;
  /** Where uploads are registered for requests to name by id. */
  files: FileRegistry;
  /** Where upload bodies are written: a private folder inside the data folder. */
  uploadDir: string;
  log: Logger;
  limits?: Partial<ServerLimits>;
}

export interface RunningServer {
  port: number;
  origin: string;
  /** The address to open, token in the fragment so it never travels in Referer or request logs. */
  url: string;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Host header values this server answers to. */
export function allowedHosts(port: number): string[] {
  return [`${HOST}:${port}`, `localhost:${port}`];
}

/** Origins whose pages may open the WebSocket: this server's own. */
export function allowedOrigins(port: number): string[] {
  return allowedHosts(port).map((h) => `http://${h}`);
}

/** The shared page policy (shared/csp.ts), with this server's own WebSocket address. */
export function contentSecurityPolicy(port: number): string {
  return cspHeader({ 'connect-src': [`ws://${HOST}:${port}`, `ws://localhost:${port}`] });
}

function securityHeaders(port: number): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(port),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
}

/**
 * The real file behind a resolved static path, only when it is still inside the real root: a
 * symlink in the renderer folder must not serve a file from anywhere else on disk.
 */
async function insideRoot(root: string, file: string): Promise<string | null> {
  try {
    const [realRoot, realFile] = await Promise.all([fs.promises.realpath(root), fs.promises.realpath(file)]);
    return realFile.startsWith(realRoot + path.sep) ? realFile : null;
  } catch {
    return null;
  }
}

/**
 * Maps a URL path to a file inside root, or null. Decoding happens once; anything that would
 * leave root (dot segments, encoded slashes, NUL) is refused rather than normalised away.
 */
export function resolveStaticPath(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const parts = decoded.split('/').filter((p) => p !== '');
  if (parts.some((p) => p === '.' || p === '..')) return null;
  const rel = parts.length === 0 ? 'index.html' : parts.join('/');
  const file = path.resolve(root, rel);
  const base = path.resolve(root);
  if (file !== base && !file.startsWith(base + path.sep)) return null;
  return file;
}

function plain(res: http.ServerResponse, status: number, text: string, headers: Record<string, string>) {
  res.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(`${text}\n`);
}

export function startHttpServer(opts: HttpServerOptions): Promise<RunningServer> {
  const server = http.createServer();
  let port = opts.port;
  let ws: WsBinding | null = null;
  const limits: ServerLimits = {
    maxSockets: MAX_SOCKETS,
    maxUploadBytes: MAX_UPLOAD_BYTES,
    refusedPerMinute: REFUSED_UPGRADES_PER_MINUTE,
    ...opts.limits,
  };
  let upload: ReturnType<typeof createUploadHandler> | null = null;

  server.on('request', (req, res) => {
    const headers = securityHeaders(port);
    if (!allowedHosts(port).includes(req.headers.host ?? '')) {
      req.resume();
      plain(res, 421, 'This server answers only to its own address (127.0.0.1 or localhost).', headers);
      return;
    }
    const urlPath = (req.url ?? '/').split(/[?#]/, 1)[0] ?? '/';
    if (urlPath === UPLOAD_PATH) {
      if (req.method !== 'POST' || !upload) {
        req.resume();
        plain(res, 405, 'Method not allowed.', { ...headers, Allow: 'POST' });
        return;
      }
      void upload(req, (status, body) => {
        if (res.headersSent) return;
        if (typeof body === 'string') {
          plain(res, status, body, { ...headers, ...(status === 413 ? { Connection: 'close' } : {}) });
          return;
        }
        res.writeHead(status, { ...headers, 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
        res.end(JSON.stringify(body));
      });
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      plain(res, 405, 'Method not allowed.', { ...headers, Allow: 'GET, HEAD' });
      return;
    }
    const resolved = resolveStaticPath(opts.rendererDir, urlPath);
    if (!resolved) {
      plain(res, 400, 'Bad path.', headers);
      return;
    }
    const serveFile = (file: string) =>
      fs.stat(file, (err, st) => {
        if (err || !st.isFile()) {
          plain(res, 404, 'Not found.', headers);
          return;
        }
        const type = CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
        res.writeHead(200, {
          ...headers,
          'Content-Type': type,
          'Content-Length': String(st.size),
          // Hashed assets never change; the page itself must always be fresh.
          'Cache-Control': file.endsWith('index.html') ? 'no-store' : 'public, max-age=31536000, immutable',
        });
        if (req.method === 'HEAD') {
          res.end();
          return;
        }
        fs.createReadStream(file)
          .on('error', () => res.destroy())
          .pipe(res);
      });
    void insideRoot(opts.rendererDir, resolved).then((file) => {
      if (!file) {
        plain(res, 404, 'Not found.', headers);
        return;
      }
      serveFile(file);
    });
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, HOST, () => {
      server.off('error', reject);
      const addr = server.address();
      port = typeof addr === 'object' && addr ? addr.port : opts.port;
      ws = bindWebSocket(server, {
        dispatch: opts.dispatch,
        hub: opts.hub,
        token: opts.token,
        allowedHosts: allowedHosts(port),
        allowedOrigins: allowedOrigins(port),
        log: opts.log,
        maxSockets: limits.maxSockets,
        refusedPerMinute: limits.refusedPerMinute,
      });
      upload = createUploadHandler({
        token: opts.token,
        allowedOrigins: allowedOrigins(port),
        files: opts.files,
        dir: opts.uploadDir,
        maxBytes: limits.maxUploadBytes,
        log: opts.log,
      });
      const origin = `http://${HOST}:${port}`;
      resolve({
        port,
        origin,
        url: `${origin}/#token=${opts.token}`,
        async close() {
          await ws?.close();
          await new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          });
        },
      });
    });
  });
}
