import fs from 'node:fs';
import path from 'node:path';
import type { SecretStore } from '../../main/engine/secrets/secret-store';

/**
 * The soak's stand-in for the keychain: a JSON file in the data folder, so the SMTP passwords
 * outlive the SIGKILLs the soak deals out. The app itself never stores secrets in a file.
 */
export class FileSecrets implements SecretStore {
  private file: string;
  constructor(dir: string) {
    this.file = path.join(dir, 'soak-secrets.json');
  }
  private read(): Record<string, string> {
    try {
      return JSON.parse(fs.readFileSync(this.file, 'utf8')) as Record<string, string>;
    } catch {
      return {};
    }
  }
  private write(all: Record<string, string>) {
    const tmp = `${this.file}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(all));
    fs.renameSync(tmp, this.file);
  }
  async get(key: string) {
    return this.read()[key] ?? null;
  }
  async set(key: string, value: string) {
    this.write({ ...this.read(), [key]: value });
  }
  async delete(key: string) {
    const all = this.read();
    const had = key in all;
    delete all[key];
    this.write(all);
    return had;
  }
  async unavailableReason() {
    return null;
  }
}
