import type { SecretStore } from '../../main/engine/secrets/secret-store';

/**
 * A SecretStore for engine tests that are about sending, not about the keychain (which has its
 * own suite against a real Secret Service). `map` and `values()` let tests read what was stored
 * and prove secrets stay out of the database and the logs.
 */
export class MemorySecrets implements SecretStore {
  readonly map = new Map<string, string>();
  async get(key: string) {
    return this.map.get(key) ?? null;
  }
  async set(key: string, value: string) {
    this.map.set(key, value);
  }
  async delete(key: string) {
    return this.map.delete(key);
  }
  async unavailableReason() {
    return null;
  }
  values(): string[] {
    return [...this.map.values()];
  }
}
