// Send throughput and cap accuracy, through the real engine, against a real SMTP server on
// loopback and the local test outbox.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { type Clock, systemClock } from '../main/engine/clock';
import { addRecipients, type Harness, limits, runFor, startEngine } from '../test/helpers/engine-harness';
import { ManualClock } from '../test/helpers/manual-clock';
import { startFaultServer } from '../test/helpers/smtp-fault-server';

export interface SendBench {
  target: string;
  recipients: number;
  ms: number;
  perSec: number;
  loopDelayMaxMs: number;
}

async function untilDone(h: Harness, campaignId: number, total: number) {
  for (;;) {
    const c = h.engine.store.recipients.counts(campaignId);
    if (c.sent + c.failed === total) return;
    await new Promise((r) => setTimeout(r, 5));
  }
}

export async function benchSmtp(recipients: number, accounts = 2, concurrency = 4): Promise<SendBench> {
  const server = await startFaultServer({ script: () => ({ kind: 'accept' }) });
  const h = await startEngine({ clock: systemClock });
  try {
    const pool: number[] = [];
    for (let i = 0; i < accounts; i++) {
      const a = await h.call('accounts.addSmtp', {
        label: `Relay ${i}`,
        fromName: 'Bench',
        fromAddress: `bench${i}@example.test`,
        preset: 'custom',
        smtp: { host: '127.0.0.1', port: server.port, security: 'none', username: null, timeoutMs: 10_000 },
        password: null,
        limits: limits({ perMinute: 10_000, perHour: 100_000, perDay: 1_000_000, maxConcurrent: concurrency }),
        verify: false,
      });
      pool.push(a.id);
    }
    return await timed(h, 'SMTP loopback', pool, recipients);
  } finally {
    await h.close();
    await server.close();
  }
}

export async function benchOutbox(recipients: number): Promise<SendBench> {
  const h = await startEngine({ clock: systemClock });
  try {
    const [outbox] = await h.call('accounts.list', {});
    await h.call('accounts.update', { id: outbox!.id, limits: limits({ perMinute: 10_000, maxConcurrent: 8 }) });
    return await timed(h, 'local outbox (.eml files)', [outbox!.id], recipients);
  } finally {
    await h.close();
  }
}

async function timed(h: Harness, target: string, pool: number[], recipients: number): Promise<SendBench> {
  const c = await h.call('campaigns.create', { name: 'bench', pool });
  addRecipients(
    h,
    c.id,
    Array.from({ length: recipients }, (_, i) => `b${i}@example.test`),
  );
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const t0 = performance.now();
  await h.call('campaigns.start', { id: c.id });
  await untilDone(h, c.id, recipients);
  const ms = performance.now() - t0;
  loop.disable();
  return {
    target,
    recipients,
    ms: Math.round(ms),
    perSec: Math.round((recipients / ms) * 1000),
    loopDelayMaxMs: Math.round(loop.max / 1e6),
  };
}

/** Simulates a day with a manual clock and reports the busiest windows against the caps. */
export async function benchCapAccuracy() {
  const caps = limits({
    perMinute: 20,
    perHour: 300,
    perDay: 400,
    reserve: 40,
    minGapMs: 3_000,
    maxGapMs: 8_000,
    maxConcurrent: 1,
  });
  const clock: Clock = new ManualClock();
  const h = await startEngine({ clock });
  try {
    const [outbox] = await h.call('accounts.list', {});
    await h.call('accounts.update', { id: outbox!.id, limits: caps });
    const c = await h.call('campaigns.create', { name: 'caps', pool: [outbox!.id] });
    addRecipients(
      h,
      c.id,
      Array.from({ length: 1_000 }, (_, i) => `cap${i}@example.test`),
    );
    await h.call('campaigns.start', { id: c.id });
    await runFor(h, 24 * 3_600_000);
    const times = (h.sql().prepare('SELECT at FROM send_ledger ORDER BY at').all() as { at: number }[]).map(
      (r) => r.at,
    );
    const busiest = (w: number) => {
      let best = 0;
      let j = 0;
      for (let i = 0; i < times.length; i++) {
        while (times[i]! - times[j]! >= w) j++;
        best = Math.max(best, i - j + 1);
      }
      return best;
    };
    return {
      caps: { perMinute: caps.perMinute, perHour: caps.perHour, usablePerDay: caps.perDay - caps.reserve },
      busiest: { minute: busiest(60_000), hour: busiest(3_600_000), day: busiest(86_400_000) },
      sent: times.length,
    };
  } finally {
    await h.close();
  }
}
