// The SMTP session pool against a raw scripted server, for the answers smtp-server cannot be made
// to give: a server that hangs up on RSET, and a reply that is no SMTP answer at all.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createSmtpTransport } from '../../main/engine/transports/smtp';
import { type OutgoingMessage, TransportError } from '../../main/engine/transports/transport';

type Reply = (command: string, socket: net.Socket) => string | null | 'hangup' | 'stall-then-hangup';

let servers: net.Server[] = [];
afterEach(() => {
  for (const s of servers) s.close();
  servers = [];
});

/** A line-based SMTP server whose answer to each command comes from `reply`. */
async function rawServer(reply: Reply): Promise<{ port: number; delivered: number }> {
  const state = { port: 0, delivered: 0 };
  const server = net.createServer((socket) => {
    socket.write('220 raw.test ESMTP\r\n');
    let inData = false;
    let buffer = '';
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1');
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          buffer = buffer.slice(end + 5);
          inData = false;
          state.delivered++;
          const r = reply('.', socket);
          if (r === 'hangup') return void socket.destroy();
          if (r) socket.write(`${r}\r\n`);
          continue;
        }
        const nl = buffer.indexOf('\r\n');
        if (nl < 0) return;
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 2);
        const r = reply(line.toUpperCase(), socket);
        if (r === 'hangup') return void socket.destroy();
        if (r === 'stall-then-hangup') {
          // Accept DATA, then stop reading: the client cannot finish writing the body before the hang-up.
          socket.write('354 go ahead\r\n');
          socket.pause();
          setTimeout(() => socket.destroy(), 100);
          return;
        }
        if (line.toUpperCase() === 'DATA' && r?.startsWith('354')) inData = true;
        if (r) socket.write(`${r}\r\n`);
      }
    });
    socket.on('error', () => {});
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  state.port = (server.address() as net.AddressInfo).port;
  return state;
}

const standard = (cmd: string): string | null => {
  if (cmd.startsWith('EHLO')) return '250 raw.test';
  if (cmd.startsWith('MAIL FROM')) return '250 OK';
  if (cmd.startsWith('RCPT TO')) return '250 OK';
  if (cmd === 'DATA') return '354 go ahead';
  if (cmd === '.') return '250 queued';
  if (cmd === 'RSET') return '250 reset';
  if (cmd === 'QUIT') return '221 bye';
  return '500 what';
};

const message = (to: string): OutgoingMessage => ({
  raw: Buffer.from(`From: a@x.test\r\nTo: ${to}\r\nSubject: hi\r\nMessage-ID: <${to}>\r\n\r\nhello\r\n`),
  envelope: { from: 'a@x.test', to: [to] },
  messageId: `<${to}>`,
  meta: { campaignId: null, recipientId: null, subject: 'hi' },
});

const settings = (port: number) => ({
  host: '127.0.0.1',
  port,
  security: 'none' as const,
  username: null,
  timeoutMs: 2_000,
});

async function failureOf(p: Promise<unknown>) {
  try {
    await p;
  } catch (err) {
    if (err instanceof TransportError) return err.failure;
    throw err;
  }
  throw new Error('expected a failure');
}

describe('SMTP session pool', () => {
  it('a server that hangs up on RSET after a refusal neither hangs the send nor the pool', async () => {
    const srv = await rawServer((cmd) => {
      if (cmd.startsWith('RCPT TO:<GONE@')) return '550 5.1.1 no such user';
      if (cmd === 'RSET') return 'hangup';
      return standard(cmd);
    });
    const t = createSmtpTransport(settings(srv.port), null, { maxConnections: 1 });
    const refused = await failureOf(t.send(message('gone@example.test')));
    expect(refused).toMatchObject({ source: 'smtp', responseCode: 550 });
    // The one connection is free again: the next send opens a fresh session and goes through.
    await expect(t.send(message('ok@example.test'))).resolves.toMatchObject({
      response: expect.stringMatching(/^250/),
    });
    expect(srv.delivered).toBe(1);
    await t.close();
  });

  it('a reply after the body that is no SMTP answer means the outcome is unknown', async () => {
    const srv = await rawServer((cmd) => (cmd === '.' ? 'garbled reply without a code' : standard(cmd)));
    const t = createSmtpTransport(settings(srv.port), null);
    const f = await failureOf(t.send(message('maybe@example.test')));
    expect(f.source).toBe('interrupted');
    expect(srv.delivered).toBe(1);
    await t.close();
  });

  it('a hang-up before the server accepted DATA is a plain network failure, safe to retry', async () => {
    const srv = await rawServer((cmd) => (cmd === 'DATA' ? 'hangup' : standard(cmd)));
    const t = createSmtpTransport(settings(srv.port), null);
    const f = await failureOf(t.send(message('early@example.test')));
    expect(f.source).toBe('network');
    expect(srv.delivered).toBe(0);
    await t.close();
  });

  it('a hang-up in the middle of the body is a plain network failure: the server cannot have accepted it', async () => {
    const srv = await rawServer((cmd) => (cmd === 'DATA' ? 'stall-then-hangup' : standard(cmd)));
    const t = createSmtpTransport(settings(srv.port), null);
    // Larger than any socket buffer on loopback, so the end of the body is still unwritten.
    const big = message('midway@example.test');
    big.raw = Buffer.concat([big.raw, Buffer.alloc(24 * 1024 * 1024, 'x\r\n')]);
    const f = await failureOf(t.send(big));
    expect(f.source).toBe('network');
    expect(srv.delivered).toBe(0);
    await t.close();
  });

  it('a hang-up after the body went out is an unknown outcome', async () => {
    const srv = await rawServer((cmd) => (cmd === '.' ? 'hangup' : standard(cmd)));
    const t = createSmtpTransport(settings(srv.port), null);
    const f = await failureOf(t.send(message('late@example.test')));
    expect(f.source).toBe('interrupted');
    expect(srv.delivered).toBe(1);
    await t.close();
  });
});
