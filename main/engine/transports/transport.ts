// The one interface every way of sending implements (docs/architecture.md, "Adding a transport",
// lists what else a new kind of account needs). Transports never classify: they report what
// happened, and policy/classify.ts decides what it means.

import type { TransportFailure } from '../failure';

/** A fully built RFC 5322 message. Every transport sends these exact bytes. */
export interface OutgoingMessage {
  raw: Buffer;
  envelope: { from: string; to: string[] };
  messageId: string;
  /** For the local outbox's index; transports that do not need them ignore them. */
  meta: { campaignId: number | null; recipientId: number | null; subject: string };
}

export interface SendReceipt {
  /** The server's answer, e.g. "250 2.0.0 OK" or the Gmail message id. */
  response: string;
}

export type { TransportFailure };

export class TransportError extends Error {
  constructor(readonly failure: TransportFailure) {
    super(describeFailure(failure));
    this.name = 'TransportError';
  }
}

export function describeFailure(f: TransportFailure): string {
  switch (f.source) {
    case 'smtp':
      return f.response || `SMTP error ${f.code ?? ''}`.trim();
    case 'http':
      return `${f.status} ${f.reason ?? ''} ${f.message}`.replace(/\s+/g, ' ').trim();
    case 'oauth':
      return f.description ? `${f.error}: ${f.description}` : f.error;
    case 'network':
    case 'interrupted':
      return f.code ? `${f.code}: ${f.message}` : f.message;
    case 'config':
      return f.message;
  }
}

export interface Transport {
  send(message: OutgoingMessage): Promise<SendReceipt>;
  /** Logs in (or otherwise proves the account works) without sending. Throws TransportError. */
  verify(): Promise<void>;
  close(): Promise<void>;
}
