// Reads a sending mailbox over IMAP, read-only: the folder is opened with EXAMINE, bodies are
// fetched with BODY.PEEK, so not even the \Seen flag changes and nothing is moved or deleted.
// The cursor is (UIDVALIDITY, last UID): UIDs only grow within one UIDVALIDITY (RFC 3501).
import { ImapFlow } from 'imapflow';
import type { ImapSettings } from '../../../shared/domain';
import { mayBeFeedback } from './classify';
import { parseHeaderBlock } from './parse';
import type { MailboxMessage } from './process';

export interface MailboxReader {
  /** Messages after the cursor, oldest first; ends when the mailbox is caught up. */
  read(cursor: string | null): AsyncGenerator<MailboxMessage>;
  /** Resolves when new mail may have arrived, after `ms`, or when the signal aborts. */
  wait(ms: number, signal: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

interface ImapCursor {
  uidValidity: string;
  lastUid: number;
}

/** How far back a reader looks the first time it is turned on. */
export const FIRST_READ_DAYS = 30;
/** Messages whose headers are fetched per round trip. */
const BATCH = 100;
/** Enough for the report parts and the original's headers, which come first in every notice. */
const MAX_SOURCE = 2 * 1024 * 1024;

function parseCursor(cursor: string | null): ImapCursor | null {
  if (!cursor) return null;
  try {
    const c = JSON.parse(cursor) as ImapCursor;
    return typeof c.uidValidity === 'string' && Number.isSafeInteger(c.lastUid) ? c : null;
  } catch {
    return null;
  }
}

export interface ImapLogin {
  settings: ImapSettings;
  user: string;
  password: string;
  /** ms per connect and per command. */
  timeoutMs?: number;
  now?: () => number;
}

export async function openImapReader(login: ImapLogin): Promise<MailboxReader> {
  const { settings } = login;
  const now = login.now ?? Date.now;
  const client = new ImapFlow({
    host: settings.host,
    port: settings.port,
    secure: settings.security === 'tls',
    // STARTTLS is required when asked for, and never attempted for a plain connection.
    doSTARTTLS: settings.security === 'starttls',
    auth: { user: login.user, pass: login.password },
    logger: false,
    connectionTimeout: login.timeoutMs ?? 30_000,
    socketTimeout: 5 * 60_000,
    // IDLE soon after a read, so new mail is announced instead of polled for.
    autoIdleDelay: 1_000,
    clientInfo: { name: 'Campaign Tray' },
  });
  let closed = false;
  let onExists: (() => void) | null = null;
  client.on('exists', () => onExists?.());
  client.on('close', () => {
    closed = true;
    onExists?.();
  });
  client.on('error', () => {
    closed = true;
  });
  await client.connect();

  async function mailbox() {
    if (client.mailbox && client.mailbox.path === settings.mailbox) return client.mailbox;
    return client.mailboxOpen(settings.mailbox, { readOnly: true });
  }

  return {
    async *read(cursor) {
      if (closed) throw new Error('The IMAP connection closed.');
      const box = await mailbox();
      const uidValidity = String(box.uidValidity);
      const c = parseCursor(cursor);
      let lastUid = c && c.uidValidity === uidValidity ? c.lastUid : -1;
      if (lastUid < 0) {
        // First read, or a new mailbox generation: start a while back, not at the dawn of time.
        const since = new Date(now() - FIRST_READ_DAYS * 86_400_000);
        const recent = (await client.search({ since }, { uid: true })) || [];
        lastUid = recent.length ? Math.min(...recent) - 1 : Math.max(0, Number(box.uidNext ?? 1) - 1);
      }
      const uids = ((await client.search({ uid: `${lastUid + 1}:*` }, { uid: true })) || [])
        .filter((u) => u > lastUid)
        .sort((a, b) => a - b);
      for (let i = 0; i < uids.length; i += BATCH) {
        const batch = uids.slice(i, i + BATCH);
        const heads = await client.fetchAll(
          batch.join(','),
          { uid: true, headers: true, internalDate: true },
          {
            uid: true,
          },
        );
        heads.sort((a, b) => a.uid - b.uid);
        for (const h of heads) {
          const headers = parseHeaderBlock(h.headers?.toString('latin1') ?? '');
          let raw: Buffer | null = null;
          if (mayBeFeedback(headers)) {
            const full = await client.fetchOne(
              String(h.uid),
              { uid: true, source: { maxLength: MAX_SOURCE } },
              { uid: true },
            );
            raw = full ? (full.source ?? null) : null;
          }
          const date = h.internalDate ? new Date(h.internalDate).getTime() : null;
          yield {
            mailboxId: `imap:${uidValidity}:${h.uid}`,
            cursor: JSON.stringify({ uidValidity, lastUid: h.uid } satisfies ImapCursor),
            raw,
            receivedAt: Number.isFinite(date) ? date : null,
          };
        }
      }
    },
    wait(ms, signal) {
      return new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          onExists = null;
          resolve();
        };
        const timer = setTimeout(done, ms);
        signal.addEventListener('abort', done, { once: true });
        onExists = done;
        if (closed) done();
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        await client.logout();
      } catch {
        client.close();
      }
    },
  };
}
