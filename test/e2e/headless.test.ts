// The whole product in a real browser: the built headless server (real engine, real SQLite, OS
// keychain) driven through Chromium. Screens are captured into test-results/screenshots, or into
// docs/screenshots with CT_UPDATE_SCREENSHOTS=1 (how the README's pictures are made).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, chromiumPath, missing } from '../helpers/services';
import { tmpDir } from '../helpers/tmp';

const root = path.resolve(import.meta.dirname, '..', '..');
const shots =
  process.env.CT_UPDATE_SCREENSHOTS === '1'
    ? path.join(root, 'docs', 'screenshots')
    : path.join(root, 'test-results', 'screenshots');
const chromiumBin = chromiumPath();
const skip = missing('Chromium', chromiumBin !== null, 'apt-get install chromium (or set CHROMIUM_PATH)');

const PEOPLE = [
  ['ada@example.com', 'Ada', 'Lovelace'],
  ['grace@example.com', 'Grace', 'Hopper'],
  ['katherine@example.com', 'Katherine', 'Johnson'],
  ['margaret@example.com', 'Margaret', 'Hamilton'],
];
// A spreadsheet-style export: semicolons, a BOM, one bad row and one duplicate.
const CSV = `\uFEFFEmail;First name;Last name\n${PEOPLE.map((p) => p.join(';')).join('\n')}\nnot-an-address;Bob;Broken\nADA@example.com;Ada;Again\n`;

type Caret = { setSelectionRange(start: number, end: number): void };

interface Ready {
  url: string;
  port: number;
  token: string;
  dataDir: string;
}

let child: ChildProcess | null = null;
let browser: Browser | null = null;
let page: Page;
let ready: Ready;
const pageProblems: string[] = [];
let output = '';

function ensureBuilt() {
  const built = ['dist/renderer/index.html', 'dist/main/serve.js'].every((f) => fs.existsSync(path.join(root, f)));
  if (built) return;
  const r = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, encoding: 'utf8', timeout: 240_000 });
  if (r.status !== 0) throw new Error(`npm run build failed:\n${r.stdout}\n${r.stderr}`);
}

function startServer(dataDir: string): Promise<Ready> {
  const proc = spawn(process.execPath, ['dist/main/serve.js', '--port', '0', '--data-dir', dataDir], {
    cwd: root,
    env: { ...process.env, CT_READY_JSON: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = proc;
  proc.stderr?.on('data', (d) => {
    output += String(d);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 30_000);
    proc.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
    readline.createInterface({ input: proc.stdout! }).on('line', (line) => {
      output += `${line}\n`;
      if (line.startsWith('CT_READY ')) {
        clearTimeout(timer);
        resolve(JSON.parse(line.slice('CT_READY '.length)) as Ready);
      }
    });
  });
}

async function shot(name: string) {
  await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: false });
}

describe.skipIf(skip)('headless server in Chromium', () => {
  beforeAll(async () => {
    ensureBuilt();
    fs.mkdirSync(shots, { recursive: true });
    ready = await startServer(tmpDir('ct-e2e-'));
    browser = await chromium.launch({ executablePath: chromiumBin!, args: CHROMIUM_ARGS });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
    page = await context.newPage();
    // Fail a stuck step with its own message well before the test's timeout.
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (e) => pageProblems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') pageProblems.push(`console: ${m.text()}`);
    });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child?.once('exit', r));
    }
  });

  it('prints one address on loopback with the token in the fragment', () => {
    expect(ready.url).toBe(`http://127.0.0.1:${ready.port}/#token=${ready.token}`);
    expect(ready.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(output).toContain(`Campaign Tray is running at ${ready.url}`);
    expect(output).toContain(`Data folder: ${ready.dataDir}`);
  });

  it('shows the engine’s version and the local test outbox account', async () => {
    await page.goto(ready.url);
    // The first load of the page on a busy machine: Chromium, the bundle, the socket, then app.info.
    await expect
      .poll(() => page.getByTestId('app-version').textContent(), { timeout: 10_000 })
      .toMatch(/^v\d+\.\d+\.\d+ · headless$/);
    await page.getByRole('link', { name: 'Accounts', exact: true }).click();
    await page.getByTestId('account-outbox').waitFor();
    expect(await page.getByTestId('account-outbox').textContent()).toContain('local test outbox');
    await page.getByRole('heading', { name: 'Add SMTP account' }).waitFor();
    await shot('accounts');
  });

  it('takes the token out of the address bar once read, and a reload still connects', async () => {
    expect(page.url()).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${ready.port}/(#/[a-z/]*)?$`));
    expect(await page.evaluate('location.href')).not.toContain(ready.token);
    await page.reload();
    await expect.poll(() => page.getByTestId('app-version').textContent(), { timeout: 10_000 }).toMatch(/· headless$/);
    expect(page.url()).not.toContain('token');
  });

  it('refuses the page without its token and says what to do', async () => {
    const other = await browser!.newPage();
    await other.goto(`http://127.0.0.1:${ready.port}/`);
    await other.getByText('This address has no access token').first().waitFor();
    await other.close();
  });

  it('creates a campaign and imports a dropped CSV with a preview', async () => {
    await page.getByRole('link', { name: 'Campaigns', exact: true }).click();
    await page.getByPlaceholder('New campaign name').fill('Welcome pioneers');
    await page.getByRole('button', { name: 'Create campaign' }).click();
    await page.getByRole('heading', { name: 'Welcome pioneers', level: 1 }).waitFor();

    // A real drop: a DataTransfer holding a File, built in the page (this file has no DOM types).
    const drop = await page.evaluateHandle(
      `(() => { const dt = new DataTransfer(); dt.items.add(new File([${JSON.stringify(CSV)}], 'pioneers.csv', { type: 'text/csv' })); return dt; })()`,
    );
    await page.dispatchEvent('[data-testid=dropzone]', 'drop', { dataTransfer: drop });
    const preview = page.getByRole('region', { name: 'Preview of pioneers.csv' });
    await preview.waitFor();
    await expect.poll(() => preview.textContent()).toContain('semicolon');
    expect(await page.getByLabel('Email column').inputValue()).toBe('0');
    expect(await preview.locator('tbody tr').count()).toBeGreaterThanOrEqual(PEOPLE.length);
    await shot('import-preview');

    await page.getByRole('button', { name: 'Import recipients' }).click();
    await page.getByRole('heading', { name: 'Import finished' }).waitFor();
    expect(await page.getByTestId('import-added').textContent()).toBe(String(PEOPLE.length));
    await page.getByRole('button', { name: 'Download rejected rows' }).waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download rejected rows' }).click(),
    ]);
    const rejected = fs.readFileSync((await download.path())!, 'utf8');
    expect(rejected).toContain('not-an-address');
  });

  it('writes a template with a merge field and shows the merged value in the sandboxed preview', async () => {
    await page.getByRole('tab', { name: 'Message' }).click();
    await page.getByLabel('Subject', { exact: true }).fill('Welcome, ');
    await page.getByLabel('Subject', { exact: true }).press('End');
    await page.getByRole('button', { name: /\{\{first_name\}\}/ }).click();
    await page.getByLabel('Body', { exact: true }).fill('<h1>Hello </h1>\n<p>Thank you for joining the pioneers.</p>');
    await page.getByLabel('Body', { exact: true }).evaluate((el) => (el as unknown as Caret).setSelectionRange(10, 10));
    await page.getByRole('button', { name: /\{\{first_name\}\}/ }).click();

    await expect
      .poll(() => page.getByTestId('preview-subject').textContent(), { timeout: 10_000 })
      .toBe('Welcome, Ada');
    const frame = page.frameLocator('iframe[title="Message preview"]');
    await expect.poll(() => frame.locator('h1').textContent(), { timeout: 10_000 }).toBe('Hello Ada');
    // No permissions at all: no scripts, no same-origin access.
    expect(await page.locator('iframe[title="Message preview"]').getAttribute('sandbox')).toBe('');
    await page.getByText('The template is valid').waitFor();
    await shot('composer-preview');

    // Drafts save themselves a moment after typing stops.
    await expect
      .poll(() => page.getByTestId('save-state').textContent(), { timeout: 10_000 })
      .toBe('All changes saved.');
  });

  it('shows template errors with their position', async () => {
    const body = page.getByLabel('Body', { exact: true });
    const good = await body.inputValue();
    await body.fill('<p>{{#if first_name}}unclosed</p>');
    await expect.poll(() => page.locator('.problems').textContent(), { timeout: 10_000 }).toMatch(/line \d+/);
    await body.fill(good);
    await page.getByText('The template is valid').waitFor();
    // Drafts save themselves a moment after typing stops.
    await expect
      .poll(() => page.getByTestId('save-state').textContent(), { timeout: 10_000 })
      .toBe('All changes saved.');
  });

  it('sends the campaign and the dashboard shows all of it sent', async () => {
    await page.getByRole('tab', { name: 'Dashboard' }).click();
    await page.getByRole('button', { name: 'Start sending' }).click();
    await expect
      .poll(() => page.getByTestId('count-sent').textContent(), { timeout: 30_000 })
      .toBe(String(PEOPLE.length));
    await expect
      .poll(() => page.getByTestId('progress-summary').textContent(), { timeout: 10_000 })
      .toMatch(/^Finished/);
    expect(await page.getByTestId('count-queued').textContent()).toBe('0');
    expect(await page.getByTestId('count-failed').textContent()).toBe('0');
    await shot('campaign-dashboard');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export results' }).click(),
    ]);
    const results = fs.readFileSync((await download.path())!, 'utf8');
    for (const [address] of PEOPLE) expect(results).toContain(address);
  });

  it('lists the sent messages in the outbox with their raw source', async () => {
    await page.getByRole('link', { name: 'Outbox', exact: true }).click();
    await page.getByRole('heading', { name: `Outbox (${PEOPLE.length})` }).waitFor();
    await page.getByRole('button', { name: 'grace@example.com' }).click();
    const raw = page.getByTestId('outbox-raw');
    await raw.waitFor();
    expect(await raw.textContent()).toMatch(/Subject: Welcome, Grace/);
    await shot('outbox');

    await page.getByRole('link', { name: 'Campaigns', exact: true }).click();
    await page.getByRole('link', { name: 'Welcome pioneers' }).waitFor();
    await shot('campaigns');
  });

  it('ran without script errors or policy violations in the page', () => {
    expect(pageProblems).toEqual([]);
  });

  it('stops cleanly on SIGTERM', async () => {
    const proc = child!;
    const code = await new Promise<number | null>((resolve) => {
      proc.once('exit', (c) => resolve(c));
      proc.kill('SIGTERM');
    });
    expect(code).toBe(0);
  });
});
