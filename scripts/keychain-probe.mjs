#!/usr/bin/env node
// Exit 0 when a Secret Service on this D-Bus session stores, returns and deletes a value: the same
// test the app runs (through the same library) before it trusts the keychain. Exit 1 otherwise.
import { randomBytes } from 'node:crypto';
import { AsyncEntry } from '@napi-rs/keyring';

const timer = setTimeout(() => process.exit(1), 15_000);
try {
  const value = randomBytes(12).toString('hex');
  const entry = new AsyncEntry('Campaign Tray', `.probe-${randomBytes(6).toString('hex')}`, {
    linux: { store: 'secret-service' },
  });
  await entry.setPassword(value);
  const back = await entry.getPassword();
  await entry.deletePassword();
  clearTimeout(timer);
  process.exit(back === value ? 0 : 1);
} catch {
  process.exit(1);
}
