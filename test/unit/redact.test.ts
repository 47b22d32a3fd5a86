// Every registered secret is kept out of log lines, however short it is.
import { describe, expect, it } from 'vitest';
import { createLogger, redact, registerSecret } from '../../main/engine/log';

describe('redaction', () => {
  it.each(['q', 'pw', 'abcde', 'a longer app password'])('hides the secret %j', (secret) => {
    registerSecret(secret);
    const lines: string[] = [];
    createLogger((l) => lines.push(l)).warn(`login failed for user with password <${secret}>`);
    expect(lines[0]).toContain('<[redacted]>');
    expect(redact(`x${secret}y`)).toBe('x[redacted]y');
  });

  it('ignores empty values and redacts the longest secret first', () => {
    registerSecret('');
    registerSecret(null);
    registerSecret('tok');
    registerSecret('token-123456');
    expect(redact('token-123456 and tok')).toBe('[redacted] and [redacted]');
    expect(redact('nothing here')).toBe('nothing here');
  });
});
