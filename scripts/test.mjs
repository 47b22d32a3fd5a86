#!/usr/bin/env node
// The one test command: lint, typecheck, build, then every vitest suite, ending with
// "N passed, N failed, N skipped". With CT_STRICT=1 (CI) a skipped suite is a failure.
// Starts a private D-Bus session with an unlocked gnome-keyring when none is running, so the
// keychain suite talks to a real Secret Service.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
process.chdir(root);
const strict = process.env.CT_STRICT === '1' || process.env.CI === 'true';
const args = process.argv.slice(2);
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

if (
  !process.env.DBUS_SESSION_BUS_ADDRESS &&
  !process.env.CT_NO_KEYRING_SESSION &&
  has('dbus-run-session') &&
  has('gnome-keyring-daemon')
) {
  // Re-run inside a throwaway session bus with an unlocked keyring; the test keyring dies with it.
  const inner = `echo -n campaign-tray-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null; exec node scripts/test.mjs ${args.map((a) => `'${a}'`).join(' ')}`;
  const r = spawnSync('dbus-run-session', ['--', 'sh', '-c', inner], {
    stdio: 'inherit',
    env: { ...process.env, CT_NO_KEYRING_SESSION: '1', XDG_DATA_HOME: fs.mkdtempSync('/tmp/ct-keyring-') },
  });
  process.exit(r.status ?? 1);
}

const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const steps = [];
function step(name, cmd, cmdArgs) {
  console.log(`\n▶ ${name}`);
  const r = spawnSync(cmd, cmdArgs, { stdio: 'inherit', env: process.env });
  steps.push({ name, ok: r.status === 0 });
  return r.status === 0;
}

const only = args.length > 0; // `npm test -- test/unit/foo.test.ts` runs just those files
if (!only) {
  step('lint and format (biome ci)', bin('biome'), ['ci', '.']);
  step('typecheck', 'npm', ['run', '--silent', 'typecheck']);
  step('build', 'npm', ['run', '--silent', 'build']);
}
fs.mkdirSync('test-results', { recursive: true });
const report = path.join('test-results', 'vitest.json');
fs.rmSync(report, { force: true });
const env = { ...process.env, CT_STRICT: strict ? '1' : '' };
const v = spawnSync(
  bin('vitest'),
  ['run', '--reporter=default', '--reporter=json', `--outputFile=${report}`, ...args],
  {
    stdio: 'inherit',
    env,
  },
);

let passed = 0;
let failed = 0;
let skipped = 0;
if (fs.existsSync(report)) {
  const j = JSON.parse(fs.readFileSync(report, 'utf8'));
  passed = j.numPassedTests ?? 0;
  failed = j.numFailedTests ?? 0;
  skipped = (j.numPendingTests ?? 0) + (j.numTodoTests ?? 0);
  // A file that failed to load has no tests but still failed.
  failed += (j.testResults ?? []).filter(
    (f) => f.status === 'failed' && (f.assertionResults ?? []).length === 0,
  ).length;
} else {
  failed += 1;
  console.error('vitest wrote no report');
}
if (v.status !== 0 && failed === 0) failed = 1;
for (const s of steps) if (!s.ok) failed += 1;

const problems = steps.filter((s) => !s.ok).map((s) => s.name);
if (problems.length) console.error(`\nFailed steps: ${problems.join(', ')}`);
if (strict && skipped > 0) console.error(`\n${skipped} test(s) were skipped; in CI every suite must run.`);
console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || (strict && skipped > 0) ? 1 : 0);
