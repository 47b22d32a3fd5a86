// SMTP through nodemailer. The prebuilt message goes out byte for byte (`raw`), so SMTP and Gmail
// send the same thing. Retries belong to the sender's ledger; the pool only gets one retry of its
// own, for a kept-open connection the server closed before any byte of the message went out
// (nodemailer requeues only then), which is never a duplicate.
import nodemailer from 'nodemailer';
import type { SMTPPoolOptions } from 'nodemailer/lib/smtp-pool';
import type { SmtpSettings } from '../../../shared/domain';
import { redact, registerSecret } from '../log';
import { type SendReceipt, type Transport, TransportError, type TransportFailure } from './transport';

export interface SmtpTransportOptions {
  /** Keep connections open between sends (default true). */
  pool?: boolean;
  /** Parallel connections of the pool (default 2). */
  maxConnections?: number;
  /**
   * Accept a certificate no authority signed, e.g. a test server on loopback. Off by default:
   * never turn it on for a real provider, it lets anyone in the path read the password.
   */
  acceptSelfSignedCertificate?: boolean;
}

/** Failures that mean no server answer was read: the connection itself broke. */
const NETWORK_CODES = new Set([
  'ECONNECTION',
  'ETIMEDOUT',
  'ESOCKET',
  'EDNS',
  'ECONNRESET',
  'ECONNREFUSED',
  'ETLS',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPROXY',
]);

interface NodemailerErrorLike {
  message?: unknown;
  code?: unknown;
  originalCode?: unknown;
  command?: unknown;
  response?: unknown;
  responseCode?: unknown;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

/**
 * Maps any nodemailer error (it carries code, command, response, responseCode) to a
 * TransportFailure: 'smtp' when the server answered, 'network' for ECONNECTION/ETIMEDOUT/ESOCKET/
 * EDNS/ECONNRESET/ECONNREFUSED/ETLS without an answer.
 */
export function smtpFailure(err: unknown): TransportFailure {
  if (err instanceof TransportError) return err.failure;
  if (typeof err !== 'object' || err === null) return { source: 'network', code: null, message: String(err) };
  const e = err as NodemailerErrorLike;
  const message = redact(str(e.message) ?? 'The SMTP connection failed.');
  const code = str(e.code);
  const response = str(e.response);
  const responseCode =
    typeof e.responseCode === 'number' && e.responseCode > 0
      ? e.responseCode
      : response && /^\d{3}/.test(response)
        ? Number(response.slice(0, 3))
        : null;
  if (response !== null || responseCode !== null) {
    return { source: 'smtp', responseCode, response: redact(response ?? message), code, command: str(e.command) };
  }
  if ((code && NETWORK_CODES.has(code)) || NETWORK_CODES.has(str(e.originalCode) ?? '')) {
    return { source: 'network', code, message };
  }
  if (code === 'ECONFIG') return { source: 'config', message };
  // Nodemailer's own refusals (EAUTH without an answer, EENVELOPE for a bad address, …).
  if (code) return { source: 'smtp', responseCode: null, response: message, code, command: str(e.command) };
  return { source: 'network', code: null, message };
}

function transportOptions(s: SmtpSettings, password: string | null, opts: SmtpTransportOptions): SMTPPoolOptions {
  return {
    host: s.host,
    port: s.port,
    secure: s.security === 'tls',
    requireTLS: s.security === 'starttls',
    // A relay on the local network: plain SMTP, even if it offers STARTTLS with a bad certificate.
    ignoreTLS: s.security === 'none',
    auth: s.username === null ? undefined : { user: s.username, pass: password ?? '' },
    connectionTimeout: s.timeoutMs,
    greetingTimeout: s.timeoutMs,
    socketTimeout: s.timeoutMs,
    dnsTimeout: s.timeoutMs,
    tls: opts.acceptSelfSignedCertificate ? { rejectUnauthorized: false } : undefined,
    pool: opts.pool ?? true,
    maxConnections: opts.maxConnections ?? 2,
    maxMessages: 100,
    maxRequeues: 1,
    logger: false,
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}

export function createSmtpTransport(
  s: SmtpSettings,
  password: string | null,
  opts: SmtpTransportOptions = {},
): Transport {
  registerSecret(password);
  const options = transportOptions(s, password, opts);
  const transporter = options.pool
    ? nodemailer.createTransport({ ...options, pool: true })
    : nodemailer.createTransport({ ...options, pool: false });
  let closed = false;

  return {
    async send(message): Promise<SendReceipt> {
      if (closed) throw new TransportError({ source: 'config', message: 'The SMTP connection was closed.' });
      try {
        const info = await transporter.sendMail({
          envelope: { from: message.envelope.from, to: message.envelope.to },
          raw: message.raw,
        });
        return { response: String(info.response ?? '250 OK') };
      } catch (err) {
        throw new TransportError(smtpFailure(err));
      }
    },
    async verify(): Promise<void> {
      try {
        await transporter.verify();
      } catch (err) {
        throw new TransportError(smtpFailure(err));
      }
    },
    async close(): Promise<void> {
      closed = true;
      transporter.close();
    },
  };
}
