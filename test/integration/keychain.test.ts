import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createKeychain } from '../../main/engine/secrets/keychain';
import { missing } from '../helpers/services';
import { tmpDir } from '../helpers/tmp';

// A service name of its own per run: the suite never touches the user's real entries.
const SERVICE = `Campaign Tray test ${randomUUID()}`;
const keychain = createKeychain(SERVICE);
const available = (await keychain.unavailableReason()) === null;
const used = new Set<string>();
const key = (k: string) => {
  used.add(k);
  return k;
};

describe.skipIf(missing('Secret Service (gnome-keyring)', available, 'apt-get install gnome-keyring dbus'))(
  'OS keychain (real Secret Service)',
  () => {
    afterAll(async () => {
      for (const k of used) await keychain.delete(k).catch(() => false);
    });

    it('stores, reads back, replaces and deletes a secret', async () => {
      const k = key('account:1');
      expect(await keychain.get(k)).toBeNull();
      await keychain.set(k, 'first-password');
      expect(await keychain.get(k)).toBe('first-password');
      await keychain.set(k, 'second-password');
      expect(await keychain.get(k)).toBe('second-password');
      expect(await keychain.delete(k)).toBe(true);
      expect(await keychain.get(k)).toBeNull();
      expect(await keychain.delete(k)).toBe(false);
    });

    it('keeps keys apart and survives unusual values', async () => {
      const a = key('account:2');
      const b = key('gmail-client');
      const odd = 'pässwörd 🔑 with "quotes", \\ backslashes and\nnew lines';
      const long = 'x'.repeat(4096);
      await keychain.set(a, odd);
      await keychain.set(b, long);
      expect(await keychain.get(a)).toBe(odd);
      expect(await keychain.get(b)).toBe(long);
    });

    it('a second store object on the same service sees the same secrets (persisted, not in memory)', async () => {
      const k = key('account:3');
      await keychain.set(k, 'shared-secret-value');
      expect(await createKeychain(SERVICE).get(k)).toBe('shared-secret-value');
      // Another service name is another namespace.
      expect(await createKeychain(`${SERVICE} other`).get(k)).toBeNull();
    });

    it('concurrent writes of different keys all land', async () => {
      const keys = Array.from({ length: 8 }, (_, i) => key(`account:${100 + i}`));
      await Promise.all(keys.map((k, i) => keychain.set(k, `value-${i}-xyz`)));
      const back = await Promise.all(keys.map((k) => keychain.get(k)));
      expect(back).toEqual(keys.map((_, i) => `value-${i}-xyz`));
    });
  },
);

describe('no keychain reachable', () => {
  // A process whose D-Bus address points nowhere: the Secret Service cannot be found. Run as a
  // child so this process keeps its working session bus.
  it('says what to install and refuses to store anything, without a plain-text fallback', () => {
    const dir = tmpDir();
    const script = path.join(dir, 'probe.mts');
    const keychainModule = path.resolve('main/engine/secrets/keychain.ts');
    fs.writeFileSync(
      script,
      `import { createKeychain } from ${JSON.stringify(keychainModule)};
const k = createKeychain(${JSON.stringify(`${SERVICE} unreachable`)});
const reason = await k.unavailableReason();
const tries = {};
for (const [name, op] of [['get', () => k.get('account:1')], ['set', () => k.set('account:1', 'hunter2-secret')], ['delete', () => k.delete('account:1')]]) {
  try { await op(); tries[name] = 'ok'; } catch (e) { tries[name] = { code: e.code, message: e.message }; }
}
console.log(JSON.stringify({ reason, tries }));
`,
    );
    const tsx = path.resolve('node_modules/.bin/tsx');
    const r = spawnSync(tsx, [script], {
      encoding: 'utf8',
      env: {
        ...process.env,
        DBUS_SESSION_BUS_ADDRESS: `unix:path=${path.join(dir, 'no-bus')}`,
        HOME: dir,
        XDG_RUNTIME_DIR: dir,
      },
      timeout: 60_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as {
      reason: string | null;
      tries: Record<string, { code: string; message: string } | 'ok'>;
    };
    if (process.platform === 'linux') {
      expect(out.reason).toMatch(/Install and unlock a Secret Service such as gnome-keyring/);
      for (const name of ['get', 'set', 'delete']) {
        expect(out.tries[name]).toMatchObject({ code: 'keychain_unavailable' });
        expect(JSON.stringify(out.tries[name])).not.toContain('hunter2-secret');
      }
    }
    // Nothing may have been written anywhere in the sandboxed home.
    const written = fs.readdirSync(dir).filter((f) => f !== 'probe.mts');
    expect(written).toEqual([]);
  });
});
