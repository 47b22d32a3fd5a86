// The page's Content-Security-Policy, written once. The desktop shell sends it as a header on
// every response of its app:// scheme, the headless server as a header on every page it serves
// (adding its own WebSocket address), and renderer/index.html carries it as a <meta> (a unit test
// keeps the three in step). Scripts only from the app itself; no eval, plugins, forms or framing.

export type Directives = readonly (readonly [string, readonly string[]])[];

export const PAGE_CSP: Directives = [
  ['default-src', ["'self'"]],
  ['script-src', ["'self'"]],
  // The composer previews email HTML in a sandboxed srcdoc frame, which inherits this policy, and
  // email HTML styles itself inline. Styles cannot run code; remote loads stay blocked by the rest.
  ['style-src', ["'self'", "'unsafe-inline'"]],
  ['connect-src', ["'self'"]],
  ['img-src', ["'self'", 'data:']],
  ['font-src', ["'self'"]],
  ['frame-src', ["'self'"]],
  ['object-src', ["'none'"]],
  ['base-uri', ["'none'"]],
  ['form-action', ["'none'"]],
  ['frame-ancestors', ["'none'"]],
];

/** The policy as a header value, with sources added to some directives (e.g. a WebSocket address). */
export function cspHeader(
  extra: Readonly<Record<string, readonly string[]>> = {},
  base: Directives = PAGE_CSP,
): string {
  return base.map(([name, sources]) => `${name} ${[...sources, ...(extra[name] ?? [])].join(' ')}`).join('; ');
}

/**
 * The <meta> form: a meta policy cannot carry frame-ancestors (the headers do), and the same page
 * also runs in the headless server, whose WebSocket is on a loopback port the build cannot know.
 * Both policies apply, so the header still narrows connect-src to the server's own port.
 */
export function cspMeta(): string {
  return cspHeader(
    { 'connect-src': ['ws://127.0.0.1:*', 'ws://localhost:*'] },
    PAGE_CSP.filter(([name]) => name !== 'frame-ancestors'),
  );
}
