// Reads a Gmail account's mailbox through the Gmail API with the gmail.readonly scope the user
// granted for feedback: users.messages.list for what arrived since the cursor, then each
// message's headers (format=metadata), and the full message (format=raw) only when the headers
// say it can be feedback. Nothing is modified: the scope does not even allow it.
import { gmail } from '@googleapis/gmail';
import type { Credentials } from 'google-auth-library';
import type { GoogleEndpoints } from '../gmail/endpoints';
import { GMAIL_READ_SCOPE } from '../gmail/endpoints';
import { googleOAuthClient } from '../gmail/oauth';
import { type GoogleClient, loadTokens, mergeTokens, saveTokens } from '../gmail/tokens';
import type { SecretStore } from '../secrets/secret-store';
import { mayBeFeedback } from './classify';
import type { MailboxReader } from './imap-reader';
import type { MailboxMessage } from './process';
import { ReaderBlocked } from './service';

/** The headers mayBeFeedback reads. */
const METADATA_HEADERS = [
  'From',
  'To',
  'Delivered-To',
  'X-Original-To',
  'Subject',
  'Content-Type',
  'In-Reply-To',
  'References',
  'Auto-Submitted',
  'X-Failed-Recipients',
];

interface GmailCursor {
  /** internalDate (ms) of the last message done. */
  after: number;
  /** Ids done at exactly that ms, so a tie is neither repeated nor skipped. */
  ids: string[];
}

function parseCursor(cursor: string | null): GmailCursor | null {
  if (!cursor) return null;
  try {
    const c = JSON.parse(cursor) as GmailCursor;
    return Number.isSafeInteger(c.after) && Array.isArray(c.ids) ? c : null;
  } catch {
    return null;
  }
}

export interface GmailReaderDeps {
  client: GoogleClient;
  accountId: number;
  secrets: SecretStore;
  endpoints: GoogleEndpoints;
  now: () => number;
  firstReadDays: number;
}

const NEEDS_CONSENT =
  'Google has not allowed Campaign Tray to read this mailbox (gmail.readonly). Turn feedback on again and allow reading in the browser.';

export async function openGmailReader(deps: GmailReaderDeps): Promise<MailboxReader> {
  const stored = await loadTokens(deps.secrets, deps.accountId);
  if (!stored) throw new ReaderBlocked('No Google sign-in is stored for this account. Reconnect it.', 'needs_consent');
  if (!(stored.scope ?? '').split(/\s+/).includes(GMAIL_READ_SCOPE))
    throw new ReaderBlocked(NEEDS_CONSENT, 'needs_consent');
  const oauth = googleOAuthClient(deps.client, deps.endpoints);
  oauth.setCredentials({
    refresh_token: stored.refreshToken,
    access_token: stored.accessToken,
    expiry_date: stored.expiryDate ?? 1,
    scope: stored.scope ?? undefined,
  });
  let tokens = stored;
  oauth.on('tokens', (fresh: Credentials) => {
    tokens = mergeTokens(tokens, fresh);
    void saveTokens(deps.secrets, deps.accountId, tokens).catch(() => {});
  });
  const api = gmail({ version: 'v1', rootUrl: deps.endpoints.gmailRootUrl, auth: oauth });

  const refused = (err: unknown) => {
    const e = err as { status?: number; code?: number | string };
    if (e.status === 403 || e.code === 403) return new ReaderBlocked(NEEDS_CONSENT, 'needs_consent');
    return err;
  };

  return {
    async *read(cursor) {
      const c = parseCursor(cursor) ?? { after: deps.now() - deps.firstReadDays * 86_400_000, ids: [] };
      // after: takes seconds and is exclusive; start a second early and drop what the cursor covers.
      const q = `after:${Math.floor(c.after / 1000) - 1} -from:me -in:chats`;
      const ids: string[] = [];
      try {
        let pageToken: string | undefined;
        do {
          const r = await api.users.messages.list({
            userId: 'me',
            q,
            maxResults: 500,
            ...(pageToken ? { pageToken } : {}),
          });
          for (const m of r.data.messages ?? []) if (m.id) ids.push(m.id);
          pageToken = r.data.nextPageToken ?? undefined;
        } while (pageToken);
      } catch (err) {
        throw refused(err);
      }
      const heads: { id: string; at: number; headers: Record<string, string[]> }[] = [];
      for (const id of ids) {
        const r = await api.users.messages
          .get({ userId: 'me', id, format: 'metadata', metadataHeaders: METADATA_HEADERS })
          .catch((err) => {
            throw refused(err);
          });
        const at = Number(r.data.internalDate ?? 0);
        if (at < c.after || (at === c.after && c.ids.includes(id))) continue;
        const headers: Record<string, string[]> = {};
        for (const h of r.data.payload?.headers ?? []) {
          if (!h.name) continue;
          const name = h.name.toLowerCase();
          headers[name] = [...(headers[name] ?? []), h.value ?? ''];
        }
        heads.push({ id, at, headers });
      }
      heads.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      let last = c;
      for (const h of heads) {
        let raw: Buffer | null = null;
        if (mayBeFeedback(h.headers)) {
          const r = await api.users.messages.get({ userId: 'me', id: h.id, format: 'raw' }).catch((err) => {
            throw refused(err);
          });
          raw = r.data.raw ? Buffer.from(r.data.raw, 'base64url') : null;
        }
        last = { after: h.at, ids: h.at === last.after ? [...last.ids, h.id] : [h.id] };
        const m: MailboxMessage = { mailboxId: `gmail:${h.id}`, cursor: JSON.stringify(last), raw, receivedAt: h.at };
        yield m;
      }
    },
    wait(ms, signal) {
      // The Gmail API pushes only through Cloud Pub/Sub, which a desktop app has no endpoint for: poll.
      return new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, ms);
        signal.addEventListener('abort', done, { once: true });
      });
    },
    async close() {},
  };
}
