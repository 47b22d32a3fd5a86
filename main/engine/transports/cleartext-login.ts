// A password is never sent over an unencrypted SMTP connection to another machine: anyone on the
// path could read it. Only a relay on this machine (loopback) may take a login without TLS.
import net from 'node:net';
import type { SmtpSettings } from '../../../shared/domain';

/** 127.0.0.0/8, ::1 and the name localhost: traffic that never leaves this machine. */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
  if (h === 'localhost') return true;
  if (net.isIPv4(h)) return h.startsWith('127.');
  if (net.isIPv6(h)) return h === '::1' || h === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(h);
  return false;
}

/** Why these settings would send a password in cleartext, or null when they do not. */
export function cleartextLoginProblem(s: Pick<SmtpSettings, 'host' | 'security' | 'username'>): string | null {
  if (s.security !== 'none' || s.username === null || isLoopbackHost(s.host)) return null;
  return (
    `With security "none" the password for ${s.username} would travel unencrypted to ${s.host}. ` +
    'Choose STARTTLS or TLS (your provider’s settings name one of them); a login without encryption is ' +
    'allowed only to a server on this machine (127.0.0.1 or localhost).'
  );
}
