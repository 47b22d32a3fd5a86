// Contender 3, BullMQ plus nodemailer: addBulk of every job (timed apart, like an import), then a
// Worker at the same concurrency with the same pooled transport, timed until all completed.
// Usage: bullmq.ts <sinkPort> <redisPort> <messages> <connections> <throughput|caps>
//   caps — the Worker's own limiter at 50 jobs a second
import { Queue, Worker } from 'bullmq';
import nodemailer from 'nodemailer';
import { type Row, renderer, row } from '../lib/message';
import { childMain } from '../lib/proc';
import { measure, type SendFigures } from './measure';

export interface BullResult extends SendFigures {
  addBulkMs: number;
}

childMain(async (): Promise<BullResult> => {
  const [sinkPort, redisPort, n, connections] = process.argv.slice(2, 6).map(Number) as [
    number,
    number,
    number,
    number,
  ];
  const mode = process.argv[6];
  const connection = { host: '127.0.0.1', port: redisPort, maxRetriesPerRequest: null };
  const queue = new Queue<Row>('campaign', { connection });
  const t0 = performance.now();
  for (let i = 1; i <= n; i += 1_000) {
    const jobs = [];
    for (let j = i; j < Math.min(i + 1_000, n + 1); j++) {
      // Completed jobs are dropped, as a production queue of this size would be configured.
      jobs.push({ name: 'send', data: row(j), opts: { removeOnComplete: true, attempts: 3 } });
    }
    await queue.addBulk(jobs);
  }
  const addBulkMs = Math.round(performance.now() - t0);

  const render = renderer();
  const transport = nodemailer.createTransport({
    pool: true,
    host: '127.0.0.1',
    port: sinkPort,
    secure: false,
    ignoreTLS: true,
    maxConnections: connections,
    maxMessages: Number.POSITIVE_INFINITY,
  });
  let worker: Worker<Row> | null = null;
  const figures = await measure(n, async () => {
    await new Promise<void>((resolve, reject) => {
      let completed = 0;
      worker = new Worker<Row>(
        'campaign',
        async (job) => {
          await transport.sendMail({ from: 'Bench <sender1@bench.example>', to: job.data.email, ...render(job.data) });
        },
        {
          connection,
          concurrency: connections,
          ...(mode === 'caps' ? { limiter: { max: 50, duration: 1_000 } } : {}),
        },
      );
      worker.on('completed', () => {
        if (++completed === n) resolve();
      });
      worker.on('failed', (_job, err) => reject(err));
      worker.on('error', reject);
    });
  });
  await (worker as Worker<Row> | null)?.close();
  await queue.close();
  transport.close();
  return { ...figures, addBulkMs };
});
