/**
 * Secrets by key (e.g. "account:3", "gmail-client"). The only implementation used by the app is
 * the OS keychain (keychain.ts); there is deliberately no plain-text fallback.
 */
export interface SecretStore {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<boolean>;
  /** null when usable; otherwise a sentence saying what to install or unlock. */
  unavailableReason(): Promise<string | null>;
}

export const accountSecretKey = (accountId: number) => `account:${accountId}`;
export const GMAIL_CLIENT_KEY = 'gmail-client';
