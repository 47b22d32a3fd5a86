// Secrets in the OS keychain (macOS Keychain, Windows Credential Manager, Secret Service on Linux)
// through @napi-rs/keyring. When no keychain is reachable the app says what to install and
// refuses to store the secret: there is deliberately no plain-text fallback.
import { randomBytes } from 'node:crypto';
import { AsyncEntry, type EntryOptions } from '@napi-rs/keyring';
import { AppError } from '../errors';
import { redact, registerSecret } from '../log';
import type { SecretStore } from './secret-store';

export const KEYCHAIN_SERVICE = 'Campaign Tray';

/** A failed probe is tried again after this long, so unlocking the keyring needs no restart. */
const RETRY_FAILED_PROBE_MS = 30_000;

// On Linux the library would otherwise fall back to the kernel keyring, which forgets everything
// at logout: passwords would silently vanish. Only a Secret Service is a real keychain.
const ENTRY_OPTIONS: EntryOptions = { linux: { store: 'secret-service' } };

function defaultAdvice(): string {
  switch (process.platform) {
    case 'darwin':
      return 'Unlock your login keychain in Keychain Access, then try again.';
    case 'win32':
      return 'Make sure Windows Credential Manager is available for your user, then try again.';
    default:
      return (
        'Install and unlock a Secret Service such as gnome-keyring (Linux: apt install gnome-keyring) or KWallet, ' +
        'make sure a D-Bus session is running, then restart Campaign Tray. On a machine without a desktop, start ' +
        'it with "bash scripts/ct.sh app", which runs gnome-keyring for the headless server.'
      );
  }
}

export interface KeychainOptions {
  /**
   * What to tell the user when no keychain can be reached, in place of the platform's default
   * sentence: the launcher knows why (no terminal for the keyring password, packages missing).
   */
  advice?: string;
}

export function createKeychain(service: string = KEYCHAIN_SERVICE, opts: KeychainOptions = {}): SecretStore {
  const advice = opts.advice?.trim() || defaultAdvice();
  function reasonFrom(err: unknown): string {
    const detail = err instanceof Error ? err.message : String(err);
    const short = redact(detail).split('\n')[0]?.slice(0, 200) ?? '';
    return `The system keychain is not available, so passwords cannot be stored safely. ${advice}${short ? ` (${short})` : ''}`;
  }

  let probe: { at: number; reason: Promise<string | null> } | null = null;
  const entry = (key: string) => new AsyncEntry(service, key, ENTRY_OPTIONS);

  async function runProbe(): Promise<string | null> {
    const value = randomBytes(12).toString('hex');
    try {
      // Even creating an entry fails when no Secret Service can be reached.
      const e = entry(`.probe-${randomBytes(6).toString('hex')}`);
      await e.setPassword(value);
      const back = await e.getPassword();
      await e.deletePassword();
      return back === value ? null : reasonFrom(new Error('the keychain did not return what was stored'));
    } catch (err) {
      return reasonFrom(err);
    }
  }

  async function unavailableReason(): Promise<string | null> {
    const now = Date.now();
    if (!probe || (now - probe.at > RETRY_FAILED_PROBE_MS && (await probe.reason) !== null)) {
      probe = { at: now, reason: runProbe() };
    }
    return probe.reason;
  }

  /** Runs a keychain call; any failure becomes keychain_unavailable and forces a new probe. */
  async function guarded<T>(op: () => Promise<T>): Promise<T> {
    const reason = await unavailableReason();
    if (reason) throw new AppError('keychain_unavailable', reason);
    try {
      return await op();
    } catch (err) {
      probe = null;
      throw new AppError('keychain_unavailable', reasonFrom(err));
    }
  }

  return {
    unavailableReason,
    async get(key) {
      const value = await guarded(() => entry(key).getPassword());
      registerSecret(value);
      return value ?? null;
    },
    async set(key, value) {
      registerSecret(value);
      await guarded(() => entry(key).setPassword(value));
    },
    async delete(key) {
      return guarded(() => entry(key).deletePassword());
    },
  };
}
