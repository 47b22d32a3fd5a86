// The README's app command on a Linux machine with no reachable Secret Service (no desktop, no
// D-Bus session): `bash scripts/ct.sh app` starts a private D-Bus session with gnome-keyring,
// unlocks a persistent keyring with the password the user names, and the headless server stores
// an SMTP password in it, checked by logging in to a loopback SMTP server with AUTH. A wrong
// password stops the start with a sentence; no password and no terminal starts the server with a
// banner that says what to do, and the app refuses to store secrets. Never plain text.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AppInfo } from '../../shared/contract';
import type { Account } from '../../shared/domain';
import { connectCaller, type WsCaller } from '../contract/ws-caller';
import { missing } from '../helpers/services';
import { type FaultServer, startFaultServer } from '../helpers/smtp-fault-server';
import { tmpDir } from '../helpers/tmp';

const root = path.resolve(import.meta.dirname, '..', '..');
const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const skip = missing(
  'gnome-keyring and dbus',
  process.platform === 'linux' && has('dbus-run-session') && has('gnome-keyring-daemon'),
  'apt-get install gnome-keyring dbus-user-session',
);

const SMTP_USER = 'ann@example.test';
const SMTP_PASSWORD = 'smtp-app-password-7Q2';

interface Run {
  child: ChildProcess;
  stderr: string[];
  ready: Promise<{ url: string; port: number; token: string } | { exit: number | null }>;
}

let smtp: FaultServer;
let keyringHome: string;
const running: Run[] = [];
const callers: WsCaller[] = [];

/** `bash scripts/ct.sh app …` as a user would start it, minus any D-Bus session and display. */
function launch(args: string[], extraEnv: Record<string, string> = {}): Run {
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_DATA_HOME: keyringHome, CT_READY_JSON: '1', DISPLAY: '' };
  delete env.DBUS_SESSION_BUS_ADDRESS;
  delete env.GNOME_KEYRING_CONTROL;
  delete env.CT_KEYRING_PASSWORD_FILE;
  Object.assign(env, extraEnv);
  const child = spawn('bash', ['scripts/ct.sh', 'app', '--port', '0', ...args], {
    cwd: root,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderr: string[] = [];
  child.stderr!.on('data', (d) => stderr.push(String(d)));
  const ready = new Promise<{ url: string; port: number; token: string } | { exit: number | null }>((resolve) => {
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.startsWith('CT_READY ')) resolve(JSON.parse(line.slice('CT_READY '.length)));
    });
    child.once('exit', (code) => resolve({ exit: code }));
  });
  const run = { child, stderr, ready };
  running.push(run);
  return run;
}

async function stop(run: Run) {
  if (run.child.exitCode !== null || run.child.signalCode !== null) return;
  const exited = new Promise((r) => run.child.once('exit', r));
  process.kill(-run.child.pid!, 'SIGTERM');
  await exited;
}

async function started(run: Run) {
  const r = await run.ready;
  if ('exit' in r) throw new Error(`the app exited with ${r.exit}:\n${run.stderr.join('')}`);
  const caller = await connectCaller(r.port, r.token);
  callers.push(caller);
  return caller;
}

function passwordFile(password: string): string {
  const file = path.join(tmpDir('ct-keyring-pw-'), 'keyring-password');
  fs.writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return file;
}

describe.skipIf(skip)('bash scripts/ct.sh app without a Secret Service', () => {
  beforeAll(async () => {
    keyringHome = tmpDir('ct-keyring-home-');
    smtp = await startFaultServer({ auth: { user: SMTP_USER, pass: SMTP_PASSWORD } });
  });
  afterEach(async () => {
    for (const c of callers.splice(0)) await c.close();
    for (const r of running.splice(0)) await stop(r);
  });
  afterAll(async () => smtp?.close());

  it('runs the server with gnome-keyring unlocked by the named password, and adds a password-protected SMTP account', async () => {
    const dataDir = tmpDir('ct-keyring-data-');
    const run = launch(['--data-dir', dataDir, '--keyring-password-file', passwordFile('correct horse battery')]);
    const app = await started(run);
    const info = (await app.call('app.info', {})) as { ok: true; value: AppInfo };
    expect(info.value.keychain).toEqual({ available: true, message: null });

    const added = await app.call('accounts.addSmtp', {
      label: 'Relay',
      fromName: 'Ann',
      fromAddress: SMTP_USER,
      smtp: { host: '127.0.0.1', port: smtp.port, security: 'none', username: SMTP_USER, timeoutMs: 5_000 },
      password: SMTP_PASSWORD,
      verify: true,
    });
    expect(added).toMatchObject({ ok: true, value: { kind: 'smtp', label: 'Relay' } });
    const id = (added as { ok: true; value: Account }).value.id;
    // The login works again with the password read back from the keyring.
    expect(await app.call('accounts.verify', { id })).toEqual({ ok: true, value: { verified: true } });
    expect(run.stderr.join('')).toMatch(/Keychain: gnome-keyring, keyring .*login\.keyring/);

    // The keyring persists on disk, encrypted: neither it nor the data folder holds the password.
    const keyring = path.join(keyringHome, 'keyrings', 'login.keyring');
    expect(fs.existsSync(keyring)).toBe(true);
    expect(fs.readFileSync(keyring).includes(SMTP_PASSWORD)).toBe(false);
    for (const f of fs.readdirSync(dataDir, { recursive: true, withFileTypes: true })) {
      if (f.isFile()) expect(fs.readFileSync(path.join(f.parentPath, f.name)).includes(SMTP_PASSWORD)).toBe(false);
    }

    // A restart with the same password opens the same keyring: the account still logs in.
    await stop(run);
    const again = await started(
      launch(['--data-dir', dataDir, '--keyring-password-file', passwordFile('correct horse battery')]),
    );
    expect(await again.call('accounts.verify', { id })).toEqual({ ok: true, value: { verified: true } });
  }, 240_000);

  it('stops with a sentence when the password does not unlock the keyring', async () => {
    const run = launch(['--data-dir', tmpDir('ct-keyring-data-'), '--keyring-password-file', passwordFile('wrong')]);
    const r = await run.ready;
    expect(r).toEqual({ exit: 71 });
    expect(run.stderr.join('')).toMatch(/The password does not unlock .*login\.keyring/);
  }, 120_000);

  it('without a password or a terminal, starts with a banner that says what to do and stores no secret', async () => {
    const run = launch(['--data-dir', tmpDir('ct-keyring-data-')]);
    const app = await started(run);
    const banner = run.stderr.join('');
    expect(banner).toMatch(/Keychain unavailable: no Secret Service is running and there is no terminal/);
    expect(banner).toMatch(/--keyring-password-file FILE/);
    const info = (await app.call('app.info', {})) as { ok: true; value: AppInfo };
    expect(info.value.keychain.available).toBe(false);
    expect(info.value.keychain.message).toMatch(/--keyring-password-file FILE/);
    const refused = await app.call('accounts.addSmtp', {
      label: 'Relay',
      fromName: 'Ann',
      fromAddress: SMTP_USER,
      smtp: { host: '127.0.0.1', port: smtp.port, security: 'none', username: SMTP_USER, timeoutMs: 5_000 },
      password: SMTP_PASSWORD,
      verify: false,
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'keychain_unavailable' } });
  }, 120_000);

  it('refuses an empty keyring password, which would store the keyring unencrypted', async () => {
    const run = launch(['--data-dir', tmpDir('ct-keyring-data-'), '--keyring-password-file', passwordFile('')]);
    await started(run);
    expect(run.stderr.join('')).toMatch(/empty password would store secrets in plain text/);
  }, 120_000);
});
