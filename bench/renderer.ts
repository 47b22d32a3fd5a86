// `npm run bench:renderer`: the page under a 100,000-recipient campaign, in real Chromium against
// the built headless server. Long tasks (main-thread work over 50 ms, as the browser's own
// PerformanceObserver('longtask') reports them) are collected while the recipients table scrolls,
// filters and searches, and while the dashboard follows the campaign as it sends.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { chromium, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath } from '../test/helpers/services';

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const root = path.resolve(import.meta.dirname, '..');
const LONG_TASK_MS = 50;

function csv(n: number): string {
  const lines = ['email,first_name,last_name,city'];
  for (let i = 0; i < n; i++) lines.push(`person${i}@example.test,Name${i},Family${i % 977},City${i % 53}`);
  return `${lines.join('\n')}\n`;
}

async function serve(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  if (!fs.existsSync(path.join(root, 'dist/main/serve.js'))) throw new Error('Run npm run build first.');
  const child = spawn(process.execPath, ['dist/main/serve.js', '--port', '0', '--data-dir', dataDir], {
    cwd: root,
    env: { ...process.env, CT_READY_JSON: '1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.startsWith('CT_READY ')) resolve((JSON.parse(line.slice(9)) as { url: string }).url);
    });
  });
  return { child, url };
}

/** Long tasks since the last call, in ms. */
async function takeLongTasks(page: Page): Promise<number[]> {
  return page.evaluate('globalThis.__longTasks.splice(0)') as Promise<number[]>;
}

async function phase(page: Page, name: string, work: () => Promise<void>) {
  await takeLongTasks(page);
  const t0 = Date.now();
  await work();
  const tasks = await takeLongTasks(page);
  return {
    phase: name,
    seconds: Math.round((Date.now() - t0) / 100) / 10,
    longTasks: tasks.length,
    maxMs: tasks.length ? Math.round(Math.max(...tasks)) : 0,
  };
}

const bin = chromiumPath();
if (!bin) throw new Error('Chromium is needed: apt-get install chromium');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ct-bench-renderer-'));
const { child, url } = await serve(dataDir);
const browser = await chromium.launch({ executablePath: bin, args: CHROMIUM_ARGS });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(120_000);
  // Before any page script: the browser's own long-task reports, collected for the phases below.
  await page.addInitScript(`
    globalThis.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) globalThis.__longTasks.push(e.duration);
    }).observe({ type: 'longtask', buffered: true });
  `);
  await page.goto(url);
  await page.getByRole('link', { name: 'Campaigns', exact: true }).click();
  await page.getByPlaceholder('New campaign name').fill('Bench');
  await page.getByRole('button', { name: 'Create campaign' }).click();
  await page.getByRole('heading', { name: 'Bench', level: 1 }).waitFor();

  const results = [];
  const body = csv(ROWS);
  results.push(
    await phase(page, `import ${ROWS.toLocaleString()} rows (drop, preview, commit)`, async () => {
      const drop = await page.evaluateHandle(
        `(() => { const dt = new DataTransfer(); dt.items.add(new File([${JSON.stringify(body)}], 'big.csv', { type: 'text/csv' })); return dt; })()`,
      );
      await page.dispatchEvent('[data-testid=dropzone]', 'drop', { dataTransfer: drop });
      await page.getByRole('button', { name: 'Import recipients' }).click();
      await page.getByRole('heading', { name: 'Import finished' }).waitFor();
    }),
  );

  const scrollSteps = async () => {
    const scroller = page.getByTestId('vtable-scroller');
    await scroller.waitFor();
    await scroller.evaluate((el) => {
      (el as unknown as { scrollTop: number }).scrollTop = 0;
    });
    for (let i = 0; i < 60; i++) {
      await scroller.evaluate((el, step) => {
        (el as unknown as { scrollTop: number }).scrollTop += step;
      }, 2_500);
      await page.waitForTimeout(60);
    }
  };
  results.push(await phase(page, 'scroll the recipients table, not sending (60 steps)', scrollSteps));

  await page.getByRole('tab', { name: 'Senders & settings' }).click();
  await page.getByRole('form', { name: 'Campaign settings' }).getByLabel('Local test outbox').check();
  await page.getByRole('button', { name: 'Save settings' }).click();
  await page.getByText('Saved.').waitFor();
  await page.getByRole('tab', { name: 'Dashboard' }).click();
  await page.getByRole('button', { name: 'Start sending' }).click();
  await page.getByRole('button', { name: 'Pause', exact: true }).waitFor();

  await page.getByRole('tab', { name: 'Recipients' }).click();
  results.push(await phase(page, 'scroll the recipients table while sending (60 steps)', scrollSteps));
  results.push(
    await phase(page, 'filter by state and search fields while sending', async () => {
      const filter = page.getByLabel('Filter by state');
      for (const s of ['sent', 'queued', 'failed', '']) {
        await filter.selectOption(s);
        await page.waitForTimeout(700);
      }
      const search = page.getByPlaceholder('Search address or any field');
      for (const term of ['Family12', 'City7', 'person99999', '']) {
        await search.fill(term);
        await page.waitForTimeout(900);
      }
    }),
  );
  await page.getByRole('tab', { name: 'Dashboard' }).click();
  results.push(
    await phase(page, 'dashboard following the campaign for 20 s', async () => {
      await page.waitForTimeout(20_000);
    }),
  );
  const sent = await page.getByTestId('count-sent').textContent();

  console.log(
    `\nRenderer under a ${ROWS.toLocaleString()}-recipient campaign (Chromium ${browser.version()}, ${os.cpus().length} CPUs); sent during the run: ${sent}\n`,
  );
  console.table(results);
  const worst = results.slice(1).reduce((m, r) => Math.max(m, r.maxMs), 0);
  console.log(
    `Longest task while scrolling, filtering and following the dashboard: ${worst} ms (limit ${LONG_TASK_MS} ms).`,
  );
  fs.mkdirSync(path.join(root, 'bench', 'results'), { recursive: true });
  fs.writeFileSync(
    path.join(root, 'bench', 'results', `renderer-${new Date().toISOString().replace(/[:.]/g, '-')}.json`),
    `${JSON.stringify({ at: new Date().toISOString(), rows: ROWS, sent, results }, null, 2)}\n`,
  );
  if (worst > LONG_TASK_MS) process.exitCode = 1;
} finally {
  await browser.close();
  child.kill('SIGTERM');
}
