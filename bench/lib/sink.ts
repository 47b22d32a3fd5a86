// The SMTP sink every contender sends to: one smtp-server on loopback in its own process, so it
// never shares the sender's event loop or CPU account. It counts and timestamps each accepted
// message and answers the parent over IPC. Started with fork(); `--stall` never answers DATA
// (for leaving rows on the wire before a kill).
import { SMTPServer } from 'smtp-server';

export type SinkRequest = { cmd: 'reset' } | { cmd: 'stats' } | { cmd: 'close' };
export interface SinkStats {
  count: number;
  bytes: number;
  /** Receive times (epoch ms with fractions), in arrival order. */
  times: number[];
  /** Accepted messages per recipient address, to prove each arrived once. */
  duplicates: number;
}
export type SinkMessage = { type: 'ready'; port: number } | ({ type: 'stats' } & SinkStats);

const stall = process.argv.includes('--stall');
let times: number[] = [];
let bytes = 0;
let seen = new Set<string>();
let duplicates = 0;
const now = () => performance.timeOrigin + performance.now();

const server = new SMTPServer({
  logger: false,
  disableReverseLookup: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  authOptional: true,
  // A pool sends thousands of messages per connection.
  maxClients: 1_000,
  onData(stream, session, cb) {
    let size = 0;
    stream.on('data', (c: Buffer) => {
      size += c.length;
    });
    stream.on('end', () => {
      if (stall) return;
      times.push(now());
      bytes += size;
      for (const r of session.envelope.rcptTo) {
        if (seen.has(r.address)) duplicates++;
        else seen.add(r.address);
      }
      cb(null, 'OK');
    });
  },
});
server.on('error', () => {});

server.listen(0, '127.0.0.1', () => {
  const addr = server.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  process.send?.({ type: 'ready', port } satisfies SinkMessage);
});

process.on('message', (m: SinkRequest) => {
  if (m.cmd === 'reset') {
    times = [];
    bytes = 0;
    seen = new Set();
    duplicates = 0;
    process.send?.({ type: 'stats', count: 0, bytes: 0, times: [], duplicates: 0 } satisfies SinkMessage);
  } else if (m.cmd === 'stats') {
    process.send?.({ type: 'stats', count: times.length, bytes, times, duplicates } satisfies SinkMessage);
  } else if (m.cmd === 'close') {
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 1_000).unref();
  }
});
process.on('disconnect', () => process.exit(0));
