// The window's security rules as plain data and pure functions, so they are tested under plain Node.
// window.ts applies them through Electron: the CSP header, navigation and new-window guards.
import { cspHeader } from '../../shared/csp';
import { isTrustedFrameUrl } from './ipc-binding';

/**
 * The Content-Security-Policy for the app window: the shared page policy (shared/csp.ts). With a
 * dev server origin (unpackaged runs only), Vite's inline React-refresh preamble and its HMR socket
 * are allowed too.
 */
export function contentSecurityPolicy(devOrigin: string | null = null): string {
  if (!devOrigin) return cspHeader();
  const dev = new URL(devOrigin);
  return cspHeader({
    'script-src': [dev.origin, "'unsafe-inline'"],
    'style-src': [dev.origin],
    'connect-src': [dev.origin, `ws://${dev.host}`],
  });
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

/** Where the app's own page lives: app://campaign-tray/index.html, plus the dev server in development. */
export interface AppLocation {
  pageUrl: string;
  devOrigin: string | null;
}

/** True for the app's own page (any query or fragment); the window may navigate only there. */
export function isAppPageUrl(url: string, where: AppLocation): boolean {
  return isTrustedFrameUrl(url, where.devOrigin ? [where.devOrigin] : [], where.pageUrl);
}

/**
 * What a sub-frame may show: only the inert documents of the composer's sandboxed preview
 * (srcdoc, blank). Never another page, not even the app's own, which would get a second bridge.
 */
export function isInertFrameUrl(url: string): boolean {
  return url === 'about:srcdoc' || url === 'about:blank';
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
