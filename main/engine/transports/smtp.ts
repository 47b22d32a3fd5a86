// SMTP through nodemailer's SMTPConnection. The prebuilt message goes out byte for byte, so SMTP
// and Gmail send the same thing. Retries belong to the sender's ledger; the pool (smtp-pool.ts)
// only retries a kept-open session the server closed before any byte of the message went out.
import type SMTPConnection from 'nodemailer/lib/smtp-connection';
import type { SmtpSettings } from '../../../shared/domain';
import { redact, registerSecret } from '../log';
import { NETWORK_CODES } from '../network-codes';
import { cleartextLoginProblem } from './cleartext-login';
import { SessionSendError, SmtpSessionPool } from './smtp-pool';
import { type SendReceipt, type Transport, TransportError, type TransportFailure } from './transport';

export interface SmtpTransportOptions {
  /** Keep connections open between sends (default true). */
  pool?: boolean;
  /** Parallel connections of the pool (default 1); the registry passes the account's maxConcurrent. */
  maxConnections?: number;
  /**
   * Accept a certificate no authority signed, e.g. a test server on loopback. Off by default:
   * never turn it on for a real provider, it lets anyone in the path read the password.
   */
  acceptSelfSignedCertificate?: boolean;
}

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
 * TransportFailure: 'smtp' when the server answered, 'network' for a NETWORK_CODES failure without
 * an answer.
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

function connectionOptions(s: SmtpSettings, opts: SmtpTransportOptions): SMTPConnection.Options {
  return {
    host: s.host,
    port: s.port,
    secure: s.security === 'tls',
    requireTLS: s.security === 'starttls',
    // A relay on the local network: plain SMTP, even if it offers STARTTLS with a bad certificate.
    ignoreTLS: s.security === 'none',
    connectionTimeout: s.timeoutMs,
    greetingTimeout: s.timeoutMs,
    socketTimeout: s.timeoutMs,
    dnsTimeout: s.timeoutMs,
    tls: opts.acceptSelfSignedCertificate ? { rejectUnauthorized: false } : undefined,
    logger: false,
  };
}

/**
 * What a failed send means. A connection that broke after the whole message was handed over (the
 * final CRLF.CRLF written) without an answer may have delivered it: that is `interrupted`, which
 * the sender records as uncertain instead of retrying. A break before that is a network failure.
 */
export function sessionSendFailure(err: unknown): TransportFailure {
  const handedOver = err instanceof SessionSendError && err.handedOver;
  const f = smtpFailure(err instanceof SessionSendError ? err.cause : err);
  // No server answer after the whole message (a broken connection, or a garbled reply): unknown outcome.
  const unanswered = f.source === 'network' || (f.source === 'smtp' && f.responseCode === null);
  if (handedOver && unanswered) {
    return {
      source: 'interrupted',
      code: f.code,
      message: f.source === 'smtp' ? f.response : f.message,
      handover: 'smtp_body_sent',
    };
  }
  return f;
}

export function createSmtpTransport(
  s: SmtpSettings,
  password: string | null,
  opts: SmtpTransportOptions = {},
): Transport {
  registerSecret(password);
  // Settings stored before this rule existed: the account stops with the reason instead of leaking.
  const cleartext = cleartextLoginProblem(s);
  if (cleartext) {
    const refuse = async (): Promise<never> => {
      throw new TransportError({ source: 'config', message: cleartext });
    };
    return { send: refuse, verify: refuse, close: async () => {} };
  }
  const pool = new SmtpSessionPool({
    connection: connectionOptions(s, opts),
    auth: s.username === null ? null : { user: s.username, pass: password ?? '' },
    maxConnections: opts.maxConnections ?? 1,
    maxMessages: 100,
    keepAlive: opts.pool ?? true,
    idleMs: 60_000,
  });

  return {
    async send(message): Promise<SendReceipt> {
      try {
        return await pool.send({ from: message.envelope.from, to: message.envelope.to }, message.raw);
      } catch (err) {
        throw new TransportError(sessionSendFailure(err));
      }
    },
    async verify(): Promise<void> {
      try {
        await pool.verify();
      } catch (err) {
        throw new TransportError(smtpFailure(err));
      }
    },
    close: () => pool.close(),
  };
}
