import type { Db } from './db';

/** Non-secret key/value settings. Secrets never come here: see secrets/. */
export function settingsRepo(db: Db) {
  return {
    get(key: string): string | null {
      return (
        db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?').get(key)?.value ?? null
      );
    },
    set(key: string, value: string): void {
      db.prepare(
        'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      ).run(key, value);
    },
    delete(key: string): void {
      db.prepare('DELETE FROM settings WHERE key = ?').run(key);
    },
  };
}
