// The window's security rules as plain data and pure functions, so they are tested under plain Node.
// window.ts applies them through Electron: the CSP header, navigation and new-window guards.
import { isTrustedFrameUrl } from './ipc-binding';

/** The packaged page loads only its own files; inline script, eval, plugins, forms and framing are off. */
const DIRECTIVES: readonly (readonly [string, readonly string[]])[] = [
  ['default-src', ["'self'"]],
  ['script-src', ["'self'"]],
  ['object-src', ["'none'"]],
  ['base-uri', ["'none'"]],
  ['form-action', ["'none'"]],
  ['frame-ancestors', ["'none'"]],
  ['img-src', ["'self'", 'data:']],
  // The composer previews email HTML in a sandboxed srcdoc frame, which inherits this policy, and
  // email HTML styles itself inline. Styles cannot run code; remote loads stay blocked by the rest.
  ['style-src', ["'self'", "'unsafe-inline'"]],
  ['connect-src', ["'self'"]],
];

/**
 * The Content-Security-Policy for the app window. With a dev server origin (unpackaged runs only),
 * Vite's inline React-refresh preamble and its HMR socket are allowed too.
 */
export function contentSecurityPolicy(devOrigin: string | null = null): string {
  const dev = devOrigin ? new URL(devOrigin) : null;
  return DIRECTIVES.map(([name, sources]) => {
    let all = [...sources];
    if (dev && name === 'script-src') all = [...all, dev.origin, "'unsafe-inline'"];
    if (dev && name === 'style-src') all = [...all, dev.origin];
    if (dev && name === 'connect-src') all = [...all, dev.origin, `ws://${dev.host}`];
    return `${name} ${all.join(' ')}`;
  }).join('; ');
}

export type ResponseHeaders = Record<string, string | string[]>;

/** Response headers with our CSP in place of any the response carried (header names are case-insensitive). */
export function withContentSecurityPolicy(headers: ResponseHeaders | undefined, csp: string): ResponseHeaders {
  const out: ResponseHeaders = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() !== 'content-security-policy') out[name] = value;
  }
  out['Content-Security-Policy'] = [csp];
  return out;
}

/** Where the app's own page lives: the packaged index file, plus the dev server in development. */
export interface AppLocation {
  indexFileUrl: string;
  devOrigin: string | null;
}

/** True for the app's own page (any query or fragment); the window may navigate only there. */
export function isAppPageUrl(url: string, where: AppLocation): boolean {
  return isTrustedFrameUrl(url, where.devOrigin ? [where.devOrigin] : [], where.indexFileUrl);
}

/**
 * The URL to hand to the system browser for a link the page tried to open, or null to drop it.
 * Only plain https links qualify: no file:, javascript:, custom schemes, or embedded credentials.
 */
export function externalLinkTarget(url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== 'https:' || u.username || u.password || !u.hostname) return null;
  return u.href;
}
