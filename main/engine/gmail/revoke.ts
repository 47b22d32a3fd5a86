// Ends an account's grant at Google when the user removes it, so the refresh token is dead even if
// a copy of the keychain survives somewhere. Google answers 200, or 400 invalid_token for a grant
// that is already gone (the user revoked it at Google): both mean the grant no longer works.
import type { SecretStore } from '../secrets/secret-store';
import type { GoogleEndpoints } from './endpoints';
import { loadTokens } from './tokens';

export type RevokeOutcome = 'revoked' | 'nothing-stored' | { failed: string };

export async function revokeGrant(
  secrets: SecretStore,
  accountId: number,
  endpoints: GoogleEndpoints,
  timeoutMs = 10_000,
): Promise<RevokeOutcome> {
  const tokens = await loadTokens(secrets, accountId);
  if (!tokens) return 'nothing-stored';
  try {
    const res = await fetch(endpoints.revokeUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: tokens.refreshToken }).toString(),
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (res.ok) return 'revoked';
    const body = (await res.json().catch(() => ({}))) as { error?: string };
    if (res.status === 400 && body.error === 'invalid_token') return 'revoked';
    return { failed: `Google answered ${res.status}${body.error ? ` ${body.error}` : ''}` };
  } catch (err) {
    return { failed: err instanceof Error ? err.message : String(err) };
  }
}
