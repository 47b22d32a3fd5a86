// Contender 1, the wire limit: a bare nodemailer pooled transport, `connections` sends in flight,
// nothing stored. Usage (forked by bench/run.ts): wire.ts <port> <messages> <connections>
import nodemailer from 'nodemailer';
import { renderer, row } from '../lib/message';
import { childMain } from '../lib/proc';
import { measure, type SendFigures } from './measure';

childMain(async (): Promise<SendFigures> => {
  const [port, n, connections] = process.argv.slice(2).map(Number) as [number, number, number];
  const render = renderer();
  const transport = nodemailer.createTransport({
    pool: true,
    host: '127.0.0.1',
    port,
    secure: false,
    ignoreTLS: true,
    maxConnections: connections,
    maxMessages: Number.POSITIVE_INFINITY,
  });
  let next = 1;
  const figures = await measure(n, async () => {
    // One loop per connection, like a worker at that concurrency.
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (next <= n) {
          const r = row(next++);
          await transport.sendMail({ from: 'Bench <sender1@bench.example>', to: r.email, ...render(r) });
        }
      }),
    );
  });
  transport.close();
  return figures;
});
