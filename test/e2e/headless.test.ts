// A new user's whole path in a real browser: the built headless server (real engine, real SQLite,
// OS keychain) driven through Chromium, with a loopback SMTP server scripted to reject some
// recipients. Screens are captured into test-results/screenshots, or into docs/screenshots with
// CT_UPDATE_SCREENSHOTS=1 (how the README's pictures are made).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, chromiumPath, missing } from '../helpers/services';
import { type FaultServer, startFaultServer } from '../helpers/smtp-fault-server';
import { tmpDir } from '../helpers/tmp';

const root = path.resolve(import.meta.dirname, '..', '..');
const shots =
  process.env.CT_UPDATE_SCREENSHOTS === '1'
    ? path.join(root, 'docs', 'screenshots')
    : path.join(root, 'test-results', 'screenshots');
const chromiumBin = chromiumPath();
const skip = missing('Chromium', chromiumBin !== null, 'apt-get install chromium (or set CHROMIUM_PATH)');

const SMTP_USER = 'pioneers';
const SMTP_PASS = 'correct horse battery staple';
const PEOPLE = [
  ['ada@example.com', 'Ada', 'Lovelace', 'Analyst'],
  ['grace@example.com', 'Grace', 'Hopper', 'Admiral'],
  ['katherine@example.com', 'Katherine', 'Johnson', 'Orbits'],
  ['margaret@example.com', 'Margaret', 'Hamilton', 'Apollo'],
  ['gone1@example.com', 'Gone', 'One', ''],
  ['gone2@example.com', 'Gone', 'Two', ''],
  ['filtered1@example.com', 'Filtered', 'One', ''],
  ['filtered2@example.com', 'Filtered', 'Two', ''],
];
/** Unknown users: rejected at RCPT, and suppressed by the engine (a retry leaves them out). */
const UNKNOWN = ['gone1@example.com', 'gone2@example.com'];
/** Rejected by a content filter at DATA until the test lets them through: a retry sends them. */
const FILTERED = ['filtered1@example.com', 'filtered2@example.com'];
// A spreadsheet-style export: semicolons, a BOM, a column nobody wants, one bad row, one duplicate.
const CSV = `\uFEFFEmail;First name;Last name;Internal notes\n${PEOPLE.map((p) => p.join(';')).join('\n')}\nnot-an-address;Bob;Broken;x\nADA@example.com;Ada;Again;y\n`;

type Caret = { setSelectionRange(start: number, end: number): void };

interface Ready {
  url: string;
  port: number;
  token: string;
  dataDir: string;
}

let child: ChildProcess | null = null;
let browser: Browser | null = null;
let smtp: FaultServer;
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

async function shot(name: string, opts: { top?: boolean } = {}) {
  if (opts.top) await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: false });
}

/** Polls a test id's text; long enough for a loaded machine, short enough to fail with a message. */
const text = (id: string) => page.getByTestId(id).textContent();
const WAIT = { timeout: 20_000 };

/** The main navigation (other links on a screen may carry the same words). */
async function nav(name: string) {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).click();
}

async function tab(name: string) {
  await page.getByRole('tab', { name }).click();
}

async function confirmDialog(label: string) {
  await page.getByRole('dialog').getByRole('button', { name: label, exact: true }).click();
}

async function download(click: () => Promise<void>): Promise<string> {
  const [d] = await Promise.all([page.waitForEvent('download'), click()]);
  return fs.readFileSync((await d.path())!, 'utf8');
}

// Sending steps wait on real sends through real pacing: each step gets two minutes.
describe.skipIf(skip)('a new user in Chromium against the headless server', { timeout: 120_000 }, () => {
  beforeAll(async () => {
    ensureBuilt();
    fs.mkdirSync(shots, { recursive: true });
    smtp = await startFaultServer({
      auth: { user: SMTP_USER, pass: SMTP_PASS },
      script: ({ rcpt }) =>
        UNKNOWN.includes(rcpt)
          ? {
              kind: 'reply',
              stage: 'rcpt',
              code: 550,
              message: `5.1.1 <${rcpt}>: Recipient address rejected: User unknown in virtual mailbox table`,
            }
          : FILTERED.includes(rcpt)
            ? {
                kind: 'reply',
                stage: 'data',
                code: 554,
                message: `5.7.1 Message rejected by content filter, queue id 7F3A2B1C9D`,
              }
            : { kind: 'accept' },
    });
    ready = await startServer(tmpDir('ct-e2e-'));
    browser = await chromium.launch({ executablePath: chromiumBin!, args: CHROMIUM_ARGS });
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, acceptDownloads: true });
    page = await context.newPage();
    // Fail a stuck step with its own message well before the test's timeout.
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (e) => pageProblems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') pageProblems.push(`console: ${m.text()}`);
    });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await smtp?.close();
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

  it('opens on the first-run checklist with the engine’s version', async () => {
    await page.goto(ready.url);
    await expect.poll(() => text('app-version'), WAIT).toMatch(/^v\d+\.\d+\.\d+ · headless$/);
    await page.getByTestId('first-run').waitFor();
    await shot('first-run', { top: true });
  });

  it('takes the token out of the address bar once read, and a reload still connects', async () => {
    expect(page.url()).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${ready.port}/(#/[a-z/]*)?$`));
    expect(await page.evaluate('location.href')).not.toContain(ready.token);
    await page.reload();
    await expect.poll(() => text('app-version'), WAIT).toMatch(/· headless$/);
    expect(page.url()).not.toContain('token');
  });

  it('refuses the page without its token and says what to do', async () => {
    const other = await browser!.newPage();
    await other.goto(`http://127.0.0.1:${ready.port}/`);
    await other.getByText('This address has no access token').first().waitFor();
    await other.close();
  });

  it('adds an SMTP account on a loopback server with its caps set at add time', async () => {
    await nav('Accounts');
    await page.getByTestId('account-outbox').waitFor();
    const form = page.getByRole('form', { name: 'Add SMTP account' });
    await form.getByLabel('Label', { exact: true }).fill('Pioneers relay');
    await form.getByLabel('From name', { exact: true }).fill('Pioneers Club');
    await form.getByLabel('From address', { exact: true }).fill('club@example.com');
    await form.getByLabel('Server', { exact: true }).fill('127.0.0.1');
    await form.getByLabel('Port', { exact: true }).fill(String(smtp.port));
    await form.getByLabel(/^Security/).selectOption('none');
    await form.getByLabel('Username', { exact: true }).fill(SMTP_USER);
    await form.getByLabel('Password', { exact: true }).fill(SMTP_PASS);
    // The caps show the preset's values; set them for this relay.
    await form.getByLabel('Per minute', { exact: true }).fill('60');
    await form.getByLabel('Per 24 hours', { exact: true }).fill('500');
    await form.getByLabel(/^Keep free a day/).fill('0');
    await form.getByLabel('Min gap (s)', { exact: true }).fill('0.4');
    await form.getByLabel('Max gap (s)', { exact: true }).fill('0.6');
    await form.getByRole('button', { name: 'Add account' }).click();
    await form.getByText('Pioneers relay was added.').waitFor();
    const card = page.getByTestId('account-smtp');
    await expect.poll(() => card.getByTestId('account-state').textContent(), WAIT).toBe('Ready');
    await expect.poll(() => card.textContent(), WAIT).toContain('/ 500');
    await shot('accounts', { top: true });
  });

  it('creates a campaign and imports a messy CSV, leaving a column out and reporting every rejected row', async () => {
    await nav('Campaigns');
    await page.getByPlaceholder('New campaign name').fill('Welcome pioneers');
    await page.getByRole('button', { name: 'Create campaign' }).click();
    await page.getByRole('heading', { name: 'Welcome pioneers', level: 1 }).waitFor();
    expect(page.url()).toMatch(/#\/campaigns\/\d+\/recipients$/);

    // A real drop: a DataTransfer holding a File, built in the page (this file has no DOM types).
    const drop = await page.evaluateHandle(
      `(() => { const dt = new DataTransfer(); dt.items.add(new File([${JSON.stringify(CSV)}], 'pioneers.csv', { type: 'text/csv' })); return dt; })()`,
    );
    await page.dispatchEvent('[data-testid=dropzone]', 'drop', { dataTransfer: drop });
    const preview = page.getByRole('region', { name: 'Preview of pioneers.csv' });
    await preview.waitFor();
    await expect.poll(() => preview.textContent()).toContain('semicolon');
    expect(await page.getByLabel('Email column').inputValue()).toBe('0');
    await preview.getByLabel('Keep column 4 as a merge field').uncheck();
    await shot('import-preview');

    await page.getByRole('button', { name: 'Import recipients' }).click();
    await page.getByRole('heading', { name: 'Import finished' }).waitFor();
    expect(await text('import-added')).toBe(String(PEOPLE.length));
    expect(await text('import-duplicates')).toBe('1');
    expect(await text('import-invalid')).toBe('1');
    const report = page.getByRole('region', { name: 'Import finished' });
    expect(await report.textContent()).toContain('not-an-address');
    expect(await report.textContent()).toContain('ADA@example.com');
    await shot('import-report');
    const rejected = await download(() => page.getByRole('button', { name: 'Download rejected rows' }).click());
    // Every row left out, with why: the invalid one and the duplicate.
    expect(rejected).toContain('\r\n9,The address has no @,not-an-address,Bob,Broken,x\r\n');
    expect(rejected).toContain(
      '\r\n10,Already in this campaign (from an earlier row or import),ADA@example.com,Ada,Again,y\r\n',
    );

    // Search reaches merge fields, not only addresses; the left-out column is no field at all.
    await expect.poll(() => text('recipients-total'), WAIT).toBe(String(PEOPLE.length));
    await page.getByPlaceholder('Search address or any field').fill('Hopper');
    await expect.poll(() => text('recipients-total'), WAIT).toBe('1');
    await page.getByRole('cell', { name: 'grace@example.com' }).waitFor();
    await page.getByPlaceholder('Search address or any field').fill('');
    await expect.poll(() => text('recipients-total'), WAIT).toBe(String(PEOPLE.length));
    expect(await page.getByRole('columnheader', { name: 'Internal notes' }).count()).toBe(0);
  });

  it('writes the message with merge fields, in the field that had the caret', async () => {
    await tab('Message');
    expect(page.url()).toMatch(/\/message$/);
    const subject = page.getByLabel('Subject', { exact: true });
    const body = page.getByLabel('Body', { exact: true });
    await subject.fill('Welcome, ');
    await subject.press('End');
    await page.getByRole('button', { name: '{{first_name}}' }).click();
    await body.fill('<h1>Hello </h1>\n<p>Thank you for joining the pioneers.</p>');
    await body.evaluate((el) => (el as unknown as Caret).setSelectionRange(10, 10));
    await page.getByRole('button', { name: '{{first_name}}' }).click();
    await body.pressSequentially('!');
    expect(await subject.inputValue()).toBe('Welcome, {{first_name}}');
    expect(await body.inputValue()).toBe('<h1>Hello {{first_name}}!</h1>\n<p>Thank you for joining the pioneers.</p>');

    await expect.poll(() => text('preview-subject'), WAIT).toBe('Welcome, Ada');
    const frame = page.frameLocator('iframe[title="Message preview"]');
    await expect.poll(() => frame.locator('h1').textContent(), WAIT).toBe('Hello Ada!');
    // No permissions at all: no scripts, no same-origin access.
    expect(await page.locator('iframe[title="Message preview"]').getAttribute('sandbox')).toBe('');
    await page.getByText('The template is valid').waitFor();
    await expect.poll(() => text('save-state'), WAIT).toBe('All changes saved.');
  });

  it('reports an unclosed block where it opens and shows no stale preview under the error', async () => {
    const body = page.getByLabel('Body', { exact: true });
    const good = await body.inputValue();
    await body.fill('<p>Intro</p>\n{{#if first_name}}\n<p>unclosed</p>');
    await expect.poll(() => page.locator('.problems').textContent(), WAIT).toMatch(/line 2/);
    await expect.poll(() => page.locator('iframe[title="Message preview"]').count(), WAIT).toBe(0);
    await shot('composer-error');
    await body.fill(good);
    await page.getByText('The template is valid').waitFor();
    await expect.poll(() => page.locator('iframe[title="Message preview"]').count(), WAIT).toBe(1);
    await expect.poll(() => text('save-state'), WAIT).toBe('All changes saved.');
  });

  it('previews another recipient picked by search, and sends a test of it', async () => {
    await page.getByLabel('Preview for').fill('Hopper');
    await page
      .getByRole('list', { name: 'Matching recipients' })
      .getByRole('button', { name: 'grace@example.com' })
      .click();
    await expect.poll(() => text('preview-subject'), WAIT).toBe('Welcome, Grace');
    const frame = page.frameLocator('iframe[title="Message preview"]');
    await expect.poll(() => frame.locator('h1').textContent(), WAIT).toBe('Hello Grace!');

    const test = page.getByRole('form', { name: 'Test send' });
    await test.getByLabel('Send to', { exact: true }).fill('me@example.org');
    await test.getByLabel(/^Through/).selectOption({ label: 'Pioneers relay <club@example.com>' });
    await test.getByRole('button', { name: 'Send test' }).click();
    await expect.poll(() => text('test-send-result'), WAIT).toMatch(/^Sent to me@example\.org/);
    const got = smtp.received.find((m) => m.to.includes('me@example.org'));
    expect(got?.raw.toString('utf8')).toMatch(/Subject: .*Welcome, Grace/);
    await shot('composer-preview');
  });

  it('sets the sender pool and a send window that is open now, and shows the pool’s capacity', async () => {
    await tab('Senders & settings');
    const form = page.getByRole('form', { name: 'Campaign settings' });
    await form.getByRole('checkbox', { name: /^Pioneers relay/ }).check();
    await form.getByRole('checkbox', { name: /^Local test outbox/ }).uncheck();
    await expect.poll(() => page.getByTestId('pool-capacity').textContent(), WAIT).toMatch(/can send 500 a day/);
    await form.getByLabel('Only send inside a weekly window', { exact: true }).check();
    for (const d of ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'])
      await form.getByLabel(d, { exact: true }).check();
    await form.getByLabel('From', { exact: true }).fill('00:00');
    await form.getByLabel('Until', { exact: true }).fill('23:59');
    await form
      .getByLabel('One-click unsubscribe URL (optional)', { exact: true })
      .fill('https://example.com/u?e={{email}}');
    await form.getByRole('button', { name: 'Save settings' }).click();
    await form.getByText('Saved.').waitFor();
    await shot('campaign-settings', { top: true });
  });

  it('starts, pauses with the ETA stopped, resumes, and groups the rejected recipients into one failure', async () => {
    await tab('Dashboard');
    await page.getByRole('button', { name: 'Start sending' }).click();
    await expect.poll(async () => Number(await text('count-sent')), WAIT).toBeGreaterThanOrEqual(1);
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await page.getByRole('button', { name: 'Resume' }).waitFor();
    await expect.poll(() => text('eta'), WAIT).toBe('Paused: no estimate until it resumes');
    await page.getByRole('button', { name: 'Resume' }).click();
    await page.getByRole('button', { name: 'Pause', exact: true }).waitFor();

    await expect.poll(() => text('progress-summary'), { timeout: 60_000 }).toMatch(/^Finished/);
    expect(await text('count-sent')).toBe(String(PEOPLE.length - UNKNOWN.length - FILTERED.length));
    expect(await text('count-failed')).toBe(String(UNKNOWN.length + FILTERED.length));
    // One group per reason: addresses and queue ids masked in the key, the reply codes kept.
    const groups = page.getByTestId('failure-group');
    await expect.poll(() => groups.count(), WAIT).toBe(2);
    const keys = await groups.getByTestId('failure-key').allTextContents();
    const counts = await groups.getByTestId('failure-count').allTextContents();
    expect(counts).toEqual(['2', '2']);
    expect(keys.find((k) => k.includes('550'))).toContain('<address>');
    expect(keys.find((k) => k.includes('554'))).toContain('<id>');
    for (const a of [...UNKNOWN, ...FILTERED]) for (const k of keys) expect(k).not.toContain(a);
    await page.getByTestId('send-rate-chart').locator('canvas').waitFor();
    await page.getByRole('heading', { name: /^Failures/ }).scrollIntoViewIfNeeded();
    await shot('campaign-failures');
  });

  it('retries the failed recipients once the server takes them, leaves the unknown users suppressed, and exports', async () => {
    smtp.setScript(() => ({ kind: 'accept' }));
    await page.getByRole('button', { name: 'Retry failed' }).click();
    await confirmDialog('Retry failed');
    await expect.poll(() => text('count-sent'), { timeout: 60_000 }).toBe(String(PEOPLE.length - UNKNOWN.length));
    await expect.poll(() => text('progress-summary'), { timeout: 30_000 }).toMatch(/^Finished/);
    expect(await text('count-failed')).toBe('0');
    // Not sent for two different reasons, counted apart.
    expect(await text('count-suppressed')).toBe(String(UNKNOWN.length));
    expect(await text('count-cancelled')).toBe('0');
    await shot('campaign-dashboard', { top: true });
    const results = await download(() => page.getByRole('button', { name: 'Export results' }).click());
    for (const [address] of PEOPLE) expect(results).toContain(address);
  });

  it('sends a sample list to the local test outbox and opens a stored message, rendered and raw', async () => {
    await nav('Campaigns');
    await page.getByPlaceholder('New campaign name').fill('Try it out');
    await page.getByRole('button', { name: 'Create campaign' }).click();
    await page.getByRole('heading', { name: 'Try it out', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Use the sample list' }).click();
    await page.getByRole('button', { name: 'Import recipients' }).click();
    await page.getByRole('heading', { name: 'Import finished' }).waitFor();
    await tab('Senders & settings');
    await page
      .getByRole('form', { name: 'Campaign settings' })
      .getByRole('checkbox', { name: /^Local test outbox/ })
      .check();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Saved.').waitFor();
    await tab('Dashboard');
    await page.getByRole('button', { name: 'Start sending' }).click();
    await expect.poll(() => text('progress-summary'), { timeout: 60_000 }).toMatch(/^Finished/);

    await nav('Outbox');
    await expect.poll(async () => Number(await text('outbox-total')), WAIT).toBeGreaterThan(0);
    await page.getByLabel('Campaign').selectOption({ label: 'Try it out' });
    await page.getByRole('table', { name: 'Stored messages' }).getByRole('button').first().click();
    const frame = page.frameLocator('iframe[title="Stored message"]');
    await frame.locator('body').waitFor();
    expect(await page.locator('iframe[title="Stored message"]').getAttribute('sandbox')).toBe('');
    expect(page.url()).toMatch(/#\/outbox\/\d+$/);
    await shot('outbox');
    await page.getByRole('button', { name: 'Raw source' }).click();
    await expect.poll(() => text('outbox-raw'), WAIT).toMatch(/^Message-ID: |\nMessage-ID: /i);

    // The screen is its address: leaving and coming back through history lands on the same message.
    const url = page.url();
    await nav('Campaigns');
    await page.getByRole('heading', { name: 'Campaigns', level: 1 }).waitFor();
    await page.goBack();
    await page.locator('iframe[title="Stored message"]').waitFor();
    expect(page.url()).toBe(url);
    // A reload lands on the same message too.
    await page.reload();
    await page.locator('iframe[title="Stored message"]').waitFor();
    expect(page.url()).toBe(url);
  });

  it('keeps a suppression list with undo, and the settings with the data folder', async () => {
    await nav('Suppressions');
    // The two unknown users are already here: the engine suppressed them when the server said so.
    await expect.poll(() => text('suppressions-total'), WAIT).toBe(String(UNKNOWN.length));
    await page.getByLabel('Addresses (one a line)').fill('nobody@example.com\nnoone@example.com');
    await page.getByRole('button', { name: 'Add 2 addresses' }).click();
    await expect.poll(() => text('suppressions-total'), WAIT).toBe(String(UNKNOWN.length + 2));
    await page.getByRole('button', { name: 'Remove nobody@example.com' }).click();
    await expect.poll(() => text('suppressions-total'), WAIT).toBe(String(UNKNOWN.length + 1));
    await page.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => text('suppressions-total'), WAIT).toBe(String(UNKNOWN.length + 2));
    await shot('suppressions', { top: true });

    await nav('Settings');
    await expect.poll(() => text('data-dir'), WAIT).toBe(ready.dataDir);
    await shot('settings', { top: true });
    await nav('Campaigns');
    await page.getByRole('link', { name: 'Welcome pioneers' }).waitFor();
    await shot('campaigns', { top: true });
  });

  it('imports a 5 MB suppression list and a pasted list larger than one frame', async () => {
    await nav('Suppressions');
    // The total is shown with the browser's digit grouping.
    const total = async () => Number((await text('suppressions-total'))?.replace(/\D/g, ''));
    const before = await total();
    // Five times the WebSocket's 1 MiB frame: it must travel as an upload, never inside a request.
    const FILED = 210_000;
    const list = Array.from({ length: FILED }, (_, i) => `listed-${String(i).padStart(6, '0')}@example.net`).join('\n');
    expect(list.length).toBeGreaterThan(5 * 1024 * 1024);
    await page
      .getByRole('region', { name: 'Import a list' })
      .locator('input[type=file]')
      .setInputFiles({ name: 'blocklist.txt', mimeType: 'text/plain', buffer: Buffer.from(list) });
    await page.getByText(`${FILED} added.`).waitFor({ timeout: 60_000 });
    await expect.poll(total, { timeout: 30_000 }).toBe(before + FILED);

    // A paste over 1 MiB and 10,000 addresses goes in batches that each fit one frame.
    const PASTED = 50_000;
    const pasted = Array.from({ length: PASTED }, (_, i) => `pasted-${String(i).padStart(5, '0')}@example.org`).join(
      '\n',
    );
    expect(pasted.length).toBeGreaterThan(1024 * 1024);
    // As a paste lands: the whole text in one input event (typing it would take hours).
    await page.getByLabel('Addresses (one a line)').evaluate((el, value) => {
      const area = el as unknown as { value: string; dispatchEvent(e: unknown): boolean };
      const setter = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(area), 'value')!.set!;
      setter.call(area, value);
      area.dispatchEvent(
        new (globalThis as unknown as { Event: new (t: string, o: object) => unknown }).Event('input', {
          bubbles: true,
        }),
      );
    }, pasted);
    await page.getByRole('button', { name: `Add ${PASTED} addresses` }).click();
    await page.getByText(`${PASTED} addresses added.`).waitFor({ timeout: 60_000 });
    await expect.poll(total, { timeout: 30_000 }).toBe(before + FILED + PASTED);
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
