// A tiny logger. Messages pass through redact() so a secret that slips into an error text is
// never written out; callers still must not log secrets on purpose.
export interface Logger {
  info(message: string, detail?: unknown): void;
  warn(message: string, detail?: unknown): void;
  error(message: string, detail?: unknown): void;
}

const secrets = new Set<string>();
/** Longest first, so a secret that contains a shorter one is hidden whole. */
let ordered: string[] = [];

/** Registers a value (token, password) that must never appear in a log line, however short. */
export function registerSecret(value: string | null | undefined): void {
  if (!value || secrets.has(value)) return;
  secrets.add(value);
  ordered = [...secrets].sort((a, b) => b.length - a.length);
}

export function redact(text: string): string {
  let out = text;
  for (const s of ordered) if (out.includes(s)) out = out.split(s).join('[redacted]');
  return out;
}

function fmt(detail: unknown): string {
  if (detail === undefined) return '';
  if (detail instanceof Error) return ` ${detail.name}: ${detail.message}`;
  try {
    return ` ${JSON.stringify(detail)}`;
  } catch {
    return ` ${String(detail)}`;
  }
}

export function createLogger(write: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Logger {
  const at = (level: string) => (message: string, detail?: unknown) =>
    write(redact(`${new Date().toISOString()} ${level} ${message}${fmt(detail)}`));
  return { info: at('info'), warn: at('warn'), error: at('error') };
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
