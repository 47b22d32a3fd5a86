// Sends through the Gmail API (users.messages.send) with the account's OAuth tokens from the
// keychain. Reports failures as Google gave them; policy/classify.ts decides what they mean.
import { gmail } from '@googleapis/gmail';
import type { Credentials, OAuth2Client } from 'google-auth-library';
import type { GoogleEndpoints } from '../gmail/endpoints';
import { GOOGLE_TIMEOUT_MS, googleFailure, googleOAuthClient } from '../gmail/oauth';
import { type GoogleClient, loadTokens, mergeTokens, type StoredTokens, saveTokens } from '../gmail/tokens';
import type { Logger } from '../log';
import { NEVER_CONNECTED } from '../network-codes';
import type { SecretStore } from '../secrets/secret-store';
import { type OutgoingMessage, type SendReceipt, type Transport, TransportError } from './transport';

export interface GmailTransportDeps {
  client: GoogleClient;
  accountId: number;
  secrets: SecretStore;
  endpoints: GoogleEndpoints;
  log?: Logger;
}

interface Session {
  oauth: OAuth2Client;
  tokens: StoredTokens;
  /** The keychain write of the latest refreshed token set. */
  saving: Promise<void>;
}

export function createGmailTransport(deps: GmailTransportDeps): Transport {
  let session: Promise<Session> | null = null;
  const api = gmail({ version: 'v1', rootUrl: deps.endpoints.gmailRootUrl });

  async function open(): Promise<Session> {
    let stored: StoredTokens | null;
    try {
      stored = await loadTokens(deps.secrets, deps.accountId);
    } catch (err) {
      throw new TransportError({
        source: 'config',
        message: `The keychain could not be read (${err instanceof Error ? err.message : String(err)}). Unlock it and try again.`,
      });
    }
    if (!stored) {
      // Nothing to refresh with: for the sender this is the same as a revoked grant.
      throw new TransportError({
        source: 'oauth',
        error: 'invalid_grant',
        description: 'No Google sign-in is stored for this account. Reconnect it.',
      });
    }
    const oauth = googleOAuthClient(deps.client, deps.endpoints);
    // An unknown expiry counts as expired, so the library refreshes before the first send.
    oauth.setCredentials({
      refresh_token: stored.refreshToken,
      access_token: stored.accessToken,
      expiry_date: stored.expiryDate ?? 1,
      scope: stored.scope ?? undefined,
    });
    const s: Session = { oauth, tokens: stored, saving: Promise.resolve() };
    // A refresh usually omits refresh_token; merge so the stored one survives.
    oauth.on('tokens', (fresh: Credentials) => {
      s.tokens = mergeTokens(s.tokens, fresh);
      s.saving = saveTokens(deps.secrets, deps.accountId, s.tokens).catch((err) =>
        deps.log?.warn(`Could not store refreshed Gmail tokens for account ${deps.accountId}`, err),
      );
    });
    return s;
  }

  function current(): Promise<Session> {
    if (!session) {
      session = open();
      session.catch(() => {
        session = null;
      });
    }
    return session;
  }

  /** A bad grant may be repaired by reconnecting: the next attempt reads the keychain again. */
  function failure(err: unknown): TransportError {
    const te = err instanceof TransportError ? err : new TransportError(googleFailure(err));
    if (te.failure.source === 'oauth' || (te.failure.source === 'http' && te.failure.status === 401)) session = null;
    return te;
  }

  async function accessToken(s: Session, force: boolean): Promise<string> {
    try {
      const token = force
        ? (await s.oauth.refreshAccessToken()).credentials.access_token
        : (await s.oauth.getAccessToken()).token;
      await s.saving;
      if (!token) {
        throw new TransportError({
          source: 'oauth',
          error: 'invalid_grant',
          description: 'Google returned no access token.',
        });
      }
      return token;
    } catch (err) {
      throw failure(err);
    }
  }

  async function post(message: OutgoingMessage, token: string): Promise<SendReceipt> {
    try {
      const res = await api.users.messages.send(
        { userId: 'me', requestBody: { raw: message.raw.toString('base64url') } },
        // Never retried blindly: a lost answer could mean the message went out.
        { headers: { authorization: `Bearer ${token}` }, retry: false, timeout: GOOGLE_TIMEOUT_MS },
      );
      return { response: res.data.id ? `Gmail message ${res.data.id}` : `HTTP ${res.status}` };
    } catch (err) {
      // Connected, then no answer (reset, timeout): Google may have sent it. fetch does not say
      // whether the body had finished uploading, so the stage claims only that it was under way.
      const f = googleFailure(err);
      if (f.source === 'network' && !NEVER_CONNECTED.has(f.code ?? '')) {
        throw new TransportError({
          source: 'interrupted',
          code: f.code,
          message: f.message,
          handover: 'gmail_body_sent',
        });
      }
      throw err;
    }
  }

  return {
    async send(message) {
      const s = await current().catch((err) => {
        throw failure(err);
      });
      // The refresh-once-on-401 policy lives here rather than in OAuth2Client.request, whose own
      // replay would also fire on 403 quota answers.
      try {
        return await post(message, await accessToken(s, false));
      } catch (err) {
        if (err instanceof TransportError) throw err;
        const f = googleFailure(err);
        if (f.source !== 'http' || f.status !== 401) throw failure(err);
      }
      try {
        return await post(message, await accessToken(s, true));
      } catch (err) {
        throw failure(err);
      }
    },

    async verify() {
      const s = await current().catch((err) => {
        throw failure(err);
      });
      // gmail.send grants no read call, so a fresh access token is the proof the grant still works.
      await accessToken(s, true);
    },

    async close() {
      const s = await session?.catch(() => null);
      s?.oauth.removeAllListeners('tokens');
      await s?.saving;
      session = null;
    },
  };
}
