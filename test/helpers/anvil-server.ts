// A loopback SMTP server that rate-limits the way Postfix's anvil does with
// smtpd_client_message_rate_limit: each client may start `perMinute` messages in any rolling
// minute; beyond that MAIL FROM is answered "450 4.7.1 Error: too much mail from <ip>". Time comes
// from `now()`, so a test on a manual clock runs a long campaign in seconds, deterministically.
import { SMTPServer } from 'smtp-server';

export interface AnvilServer {
  port: number;
  /** Accepted messages, in order, with the time `now()` gave when each was taken. */
  accepted: { to: string; at: number }[];
  /** MAIL FROM commands refused for the rate. */
  refused: number;
  close(): Promise<void>;
}

export async function startAnvilServer(opts: { perMinute: number; now: () => number }): Promise<AnvilServer> {
  const started = new Map<string, number[]>();
  const state: AnvilServer = { port: 0, accepted: [], refused: 0, close: async () => {} };
  const server = new SMTPServer({
    logger: false,
    disableReverseLookup: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    hideENHANCEDSTATUSCODES: true,
    onMailFrom(_address, session, cb) {
      const ip = session.remoteAddress;
      const now = opts.now();
      const recent = (started.get(ip) ?? []).filter((t) => t > now - 60_000);
      if (recent.length >= opts.perMinute) {
        started.set(ip, recent);
        state.refused++;
        return cb(Object.assign(new Error(`4.7.1 Error: too much mail from ${ip}`), { responseCode: 450 }));
      }
      recent.push(now);
      started.set(ip, recent);
      cb();
    },
    onData(stream, session, cb) {
      stream.on('data', () => {});
      stream.on('end', () => {
        for (const r of session.envelope.rcptTo) state.accepted.push({ to: r.address, at: opts.now() });
        cb(null, '2.0.0 Ok: queued');
      });
    },
  });
  server.on('error', () => {});
  await new Promise<void>((done, fail) => {
    server.server.once('error', fail);
    server.listen(0, '127.0.0.1', () => done());
  });
  const addr = server.server.address();
  state.port = typeof addr === 'object' && addr ? addr.port : 0;
  state.close = () => new Promise<void>((done) => server.close(() => done()));
  return state;
}
