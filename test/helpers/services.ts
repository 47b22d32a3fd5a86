// System services some suites need. Missing on a developer's machine: the suite is skipped with
// a line saying what to install. In CI (CT_STRICT=1) a missing service fails the run instead.
import fs from 'node:fs';

export const strict = process.env.CT_STRICT === '1';

/** Returns true when the suite should be skipped; throws in strict mode. */
export function missing(service: string, available: boolean, install: string): boolean {
  if (available) return false;
  if (strict) throw new Error(`${service} is required in CI but is not available: ${install}`);
  console.warn(`skipped: ${service} not available — ${install}`);
  return true;
}

export function chromiumPath(): string | null {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  return candidates.find((p): p is string => !!p && fs.existsSync(p)) ?? null;
}

export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
