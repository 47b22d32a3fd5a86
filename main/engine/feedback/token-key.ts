// The key that signs unsubscribe tokens. It lives in the keychain like every other secret, so a
// token cannot be forged by someone who has the database but not the user's login.
import { randomBytes } from 'node:crypto';
import type { Logger } from '../log';
import { registerSecret } from '../log';
import type { SecretStore } from '../secrets/secret-store';

export const UNSUBSCRIBE_KEY = 'unsubscribe-token-key';
/** How long a failed keychain read stands before the next message asks again. */
const RETRY_MS = 60_000;

/**
 * Returns a loader that reads (or creates once) the key and keeps it for the process. Without a
 * usable keychain it yields null: messages then carry a plain unsubscribe mailto, and a request
 * is matched by its reference to our Message-ID instead of a token.
 */
export function tokenKeyLoader(
  secrets: SecretStore,
  log: Logger,
  now: () => number = Date.now,
): () => Promise<Buffer | null> {
  let cached: Promise<Buffer | null> | null = null;
  // While the keychain is out, ask it again at most once a minute (each ask is a D-Bus round trip
  // on the send path) and say so once, not once a message.
  let failedAt: number | null = null;
  const load = async (): Promise<Buffer | null> => {
    try {
      let hex = await secrets.get(UNSUBSCRIBE_KEY);
      if (!hex) {
        hex = randomBytes(32).toString('hex');
        await secrets.set(UNSUBSCRIBE_KEY, hex);
      }
      registerSecret(hex);
      if (failedAt !== null) log.info('Unsubscribe tokens are on again: the keychain can be read.');
      failedAt = null;
      return Buffer.from(hex, 'hex');
    } catch (err) {
      if (failedAt === null) {
        log.warn(`Unsubscribe tokens are off until the keychain can be read: ${(err as Error).message}`);
      }
      failedAt = now();
      return null;
    }
  };
  return () => {
    if (cached && failedAt !== null && now() - failedAt >= RETRY_MS) cached = null;
    cached ??= load();
    return cached;
  };
}
