// Gmail credentials in the keychain: the user's OAuth client under GMAIL_CLIENT_KEY, and each
// account's token set under accountSecretKey(id). Never in SQLite, logs or results.
import { z } from 'zod';
import { registerSecret } from '../log';
import { accountSecretKey, GMAIL_CLIENT_KEY, type SecretStore } from '../secrets/secret-store';

/** The user's own Google Cloud OAuth client of type "Desktop app". */
export interface GoogleClient {
  clientId: string;
  clientSecret: string;
}

export interface StoredTokens {
  refreshToken: string;
  accessToken: string | null;
  /** Epoch ms when the access token expires; null when Google did not say. */
  expiryDate: number | null;
  /** Space-separated scopes Google granted. */
  scope: string | null;
}

/** The token set as google-auth-library reports it (Credentials). */
export interface RefreshedTokens {
  access_token?: string | null;
  refresh_token?: string | null;
  expiry_date?: number | null;
  scope?: string | null;
}

const storedTokens = z.object({
  refreshToken: z.string().min(1),
  accessToken: z.string().min(1).nullable(),
  expiryDate: z.number().nullable(),
  scope: z.string().nullable(),
});

const googleClient = z.object({ clientId: z.string().min(1), clientSecret: z.string().min(1) });

function parse<T>(schema: z.ZodType<T>, raw: string | null): T | null {
  if (raw === null) return null;
  try {
    const r = schema.safeParse(JSON.parse(raw));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}

function protect(t: StoredTokens): void {
  registerSecret(t.refreshToken);
  registerSecret(t.accessToken);
}

/** null when nothing (or something unreadable) is stored: the account must be reconnected. */
export async function loadTokens(secrets: SecretStore, accountId: number): Promise<StoredTokens | null> {
  const t = parse(storedTokens, await secrets.get(accountSecretKey(accountId)));
  if (t) protect(t);
  return t;
}

export async function saveTokens(secrets: SecretStore, accountId: number, t: StoredTokens): Promise<void> {
  protect(t);
  const value: StoredTokens = {
    refreshToken: t.refreshToken,
    accessToken: t.accessToken,
    expiryDate: t.expiryDate,
    scope: t.scope,
  };
  await secrets.set(accountSecretKey(accountId), JSON.stringify(value));
}

/**
 * A refresh answer usually lacks refresh_token (Google keeps the old one valid), so the stored one
 * survives unless Google rotated it. A new access token brings its own expiry.
 */
export function mergeTokens(stored: StoredTokens, refreshed: RefreshedTokens): StoredTokens {
  const access = refreshed.access_token || null;
  return {
    refreshToken: refreshed.refresh_token || stored.refreshToken,
    accessToken: access ?? stored.accessToken,
    expiryDate: access ? (refreshed.expiry_date ?? null) : stored.expiryDate,
    scope: refreshed.scope || stored.scope,
  };
}

export async function loadGoogleClient(secrets: SecretStore): Promise<GoogleClient | null> {
  const c = parse(googleClient, await secrets.get(GMAIL_CLIENT_KEY));
  if (c) registerSecret(c.clientSecret);
  return c;
}

export async function saveGoogleClient(secrets: SecretStore, client: GoogleClient): Promise<void> {
  registerSecret(client.clientSecret);
  const value: GoogleClient = { clientId: client.clientId, clientSecret: client.clientSecret };
  await secrets.set(GMAIL_CLIENT_KEY, JSON.stringify(value));
}
