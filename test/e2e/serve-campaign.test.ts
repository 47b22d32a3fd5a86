// `npm run serve` end to end over the contract: a 1,000-recipient campaign through the local
// test outbox, then one through two SMTP accounts of different caps on a loopback server, with
// progress arriving as coalesced events on the WebSocket.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CampaignProgress } from '../../shared/domain';
import { connectCaller, type WsCaller } from '../contract/ws-caller';
import { type FaultServer, startFaultServer } from '../helpers/smtp-fault-server';
import { tmpDir } from '../helpers/tmp';

const root = path.resolve(import.meta.dirname, '../..');
let child: ChildProcess;
let api: WsCaller;
let smtp: FaultServer;

async function ok<T>(p: Promise<{ ok: boolean; value?: unknown; error?: unknown }>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value as T;
}

beforeAll(async () => {
  if (!fs.existsSync(path.join(root, 'dist/main/serve.js'))) throw new Error('Run npm run build first.');
  child = spawn(process.execPath, ['dist/main/serve.js', '--port', '0', '--data-dir', tmpDir('ct-serve-')], {
    cwd: root,
    env: { ...process.env, CT_READY_JSON: '1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ready = await new Promise<{ port: number; token: string }>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.startsWith('CT_READY ')) resolve(JSON.parse(line.slice(9)));
    });
  });
  api = await connectCaller(ready.port, ready.token);
  smtp = await startFaultServer({ script: () => ({ kind: 'accept' }) });
}, 60_000);

afterAll(async () => {
  await api?.close();
  child?.kill('SIGTERM');
  await smtp?.close();
});

function csv(n: number, prefix: string): string {
  const lines = ['email,first_name'];
  for (let i = 0; i < n; i++) lines.push(`${prefix}${i}@example.test,Name${i}`);
  return `${lines.join('\r\n')}\r\n`;
}

/** Creates, imports through the contract (upload), starts, and waits for the last progress event. */
async function runCampaign(name: string, pool: number[] | undefined, prefix: string) {
  const c = await ok<{ id: number }>(api.call('campaigns.create', { name, ...(pool ? { pool } : {}) }));
  await ok(
    api.call('campaigns.update', {
      id: c.id,
      patch: {
        template: { subject: 'Hi {{first_name}}', body: '<p>Hello {{first_name}}</p>', format: 'html', text: null },
      },
    }),
  );
  const preview = await ok<{ importId: string; emailColumn: number }>(
    api.call('recipients.importPreview', {
      campaignId: c.id,
      source: { upload: { name: `${prefix}.csv`, base64: Buffer.from(csv(1_000, prefix)).toString('base64') } },
    }),
  );
  const report = await ok<{ added: number }>(
    api.call('recipients.importCommit', { importId: preview.importId, emailColumn: preview.emailColumn }),
  );
  expect(report.added).toBe(1_000);
  const started = Date.now();
  const from = api.events.length;
  await ok(api.call('campaigns.start', { id: c.id }));
  let last: CampaignProgress | null = null;
  for (let i = 0; i < 1_200; i++) {
    const mine = api.events
      .slice(from)
      .filter((e) => e.event === 'campaign.progress' && (e.payload as CampaignProgress).campaignId === c.id);
    last = (mine.at(-1)?.payload as CampaignProgress | undefined) ?? null;
    if (last?.status === 'done') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const seconds = (Date.now() - started) / 1000;
  const events = api.events.slice(from).filter((e) => e.event === 'campaign.progress').length;
  return { c, last, seconds, events };
}

describe('npm run serve sends a 1,000-recipient campaign', () => {
  it('through the local test outbox, with live progress over the contract', { timeout: 120_000 }, async () => {
    const [outbox] = await ok<{ id: number }[]>(api.call('accounts.list', {}));
    await ok(
      api.call('accounts.update', {
        id: outbox!.id,
        limits: { perMinute: 10_000, perHour: 100_000, maxConcurrent: 8 },
      }),
    );
    const { c, last, seconds, events } = await runCampaign('Outbox thousand', undefined, 'ob');
    expect(last?.counts).toMatchObject({ sent: 1_000, queued: 0, sending: 0, failed: 0 });
    // Coalesced: at most ~4 progress events a second (plus a few state changes), not one per send.
    expect(events).toBeLessThanOrEqual(Math.ceil(seconds * 4) + 10);
    expect(events).toBeGreaterThan(1);
    const listed = await ok<{ total: number }>(api.call('outbox.list', { campaignId: c.id, limit: 1 }));
    expect(listed.total).toBe(1_000);
  });

  it('through two SMTP accounts of different caps on a loopback server', { timeout: 120_000 }, async () => {
    const add = (label: string, perMinute: number) =>
      ok<{ id: number }>(
        api.call('accounts.addSmtp', {
          label,
          fromName: 'Team',
          fromAddress: `${label.toLowerCase()}@example.test`,
          preset: 'custom',
          smtp: { host: '127.0.0.1', port: smtp.port, security: 'none', username: null },
          password: null,
          limits: {
            perMinute,
            perHour: 100_000,
            perDay: 1_000_000,
            reserve: 0,
            minGapMs: 0,
            maxGapMs: 0,
            maxConcurrent: 2,
          },
          verify: true,
        }),
      );
    const slow = await add('Slow', 1_500);
    const fast = await add('Fast', 3_000);
    const { last } = await runCampaign('SMTP thousand', [slow.id, fast.id], 'sm');
    expect(last?.counts).toMatchObject({ sent: 1_000, queued: 0, failed: 0 });
    const seen = new Set(smtp.received.flatMap((r) => r.to));
    expect(seen.size).toBe(1_000);
    expect(smtp.received.length).toBe(1_000);
    const usage = last!.accounts;
    const s = usage.find((a) => a.accountId === slow.id)!;
    const f = usage.find((a) => a.accountId === fast.id)!;
    expect(s.last24h + f.last24h).toBe(1_000);
    expect(s.lastMinute).toBeLessThanOrEqual(1_500);
    expect(f.lastMinute).toBeLessThanOrEqual(3_000);
    expect(s.last24h).toBeGreaterThan(0);
  });

  it('never opens a server-side path for the page: the contract takes no paths', async () => {
    const c = await ok<{ id: number }>(api.call('campaigns.create', { name: 'paths' }));
    for (const [name, input] of [
      ['recipients.importPreview', { campaignId: c.id, source: { path: '/etc/passwd' } }],
      ['suppressions.import', { source: { path: '/etc/passwd' } }],
      ['attachments.add', { campaignId: c.id, source: { path: '/etc/hostname' } }],
    ] as const) {
      const r = await api.call(name, input);
      expect(r, name).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
      expect(JSON.stringify(r)).not.toContain('root:');
    }
  });
});
