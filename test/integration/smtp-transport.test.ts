import { SMTPServer } from 'smtp-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSmtpTransport, smtpFailure } from '../../main/engine/transports/smtp';
import {
  type OutgoingMessage,
  type Transport,
  TransportError,
  type TransportFailure,
} from '../../main/engine/transports/transport';
import type { SmtpSettings } from '../../shared/domain';
import { delayed, type Fault, type FaultServer, startFaultServer } from '../helpers/smtp-fault-server';

const USER = 'sender@example.test';
const PASS = 'correct horse battery staple';

let seq = 0;
function message(to: string): OutgoingMessage {
  const messageId = `<m${++seq}.${Date.now()}@campaign-tray.test>`;
  const raw = Buffer.from(
    [
      `From: Sender <${USER}>`,
      `To: <${to}>`,
      'Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=',
      `Message-ID: ${messageId}`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      'Hello Jürgen,',
      '.a line that starts with a dot must survive dot-stuffing',
      '.',
      'Bye',
      '',
    ].join('\r\n'),
    'utf8',
  );
  return {
    raw,
    envelope: { from: USER, to: [to] },
    messageId,
    meta: { campaignId: 1, recipientId: seq, subject: 'x' },
  };
}

function settings(port: number, over: Partial<SmtpSettings> = {}): SmtpSettings {
  return { host: '127.0.0.1', port, security: 'none', username: USER, timeoutMs: 5_000, ...over };
}

async function failureOf(p: Promise<unknown>): Promise<TransportFailure> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(TransportError);
    return (err as TransportError).failure;
  }
  throw new Error('expected the send to fail');
}

let server: FaultServer;
const open: Transport[] = [];
function transport(s: SmtpSettings, password: string | null = PASS, opts?: Parameters<typeof createSmtpTransport>[2]) {
  const t = createSmtpTransport(s, password, opts);
  open.push(t);
  return t;
}

beforeAll(async () => {
  server = await startFaultServer({ auth: { user: USER, pass: PASS } });
});
afterAll(async () => {
  await server.close();
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close()));
  server.setScript(() => ({ kind: 'accept' }));
  server.authFails = false;
  server.received.length = 0;
});

describe('SMTP transport against a real server', () => {
  it('sends the exact prebuilt bytes with the given envelope', async () => {
    const t = transport(settings(server.port));
    const m = message('alice@example.org');
    const receipt = await t.send(m);
    expect(receipt.response).toMatch(/^250 /);
    expect(server.received).toHaveLength(1);
    const got = server.received[0]!;
    expect(got.raw.equals(m.raw)).toBe(true);
    expect(got.from).toBe(USER);
    expect(got.to).toEqual(['alice@example.org']);
    expect(got.messageId).toBe(m.messageId);
  });

  it('verifies the login, and reports a refused login as EAUTH 535', async () => {
    await transport(settings(server.port)).verify();
    const wrong = await failureOf(transport(settings(server.port), 'wrong password').verify());
    expect(wrong).toMatchObject({ source: 'smtp', responseCode: 535, code: 'EAUTH' });
    if (wrong.source === 'smtp') expect(wrong.response).toContain('5.7.8');

    server.authFails = true;
    const revoked = await failureOf(transport(settings(server.port)).send(message('bob@example.org')));
    expect(revoked).toMatchObject({ source: 'smtp', responseCode: 535, code: 'EAUTH' });
    expect(server.received).toHaveLength(0);
  });

  const faults: { name: string; fault: Fault; expected: Partial<Record<string, unknown>> }[] = [
    {
      name: '421 at MAIL FROM',
      fault: { kind: 'reply', stage: 'mail', code: 421, message: '4.7.0 Try again later' },
      expected: { source: 'smtp', responseCode: 421, code: 'EENVELOPE', command: 'MAIL FROM' },
    },
    {
      name: '550 5.4.5 daily quota at MAIL FROM',
      fault: { kind: 'reply', stage: 'mail', code: 550, message: '5.4.5 Daily sending quota exceeded' },
      expected: { source: 'smtp', responseCode: 550, code: 'EENVELOPE', command: 'MAIL FROM' },
    },
    {
      name: '450 at RCPT TO',
      fault: { kind: 'reply', stage: 'rcpt', code: 450, message: '4.2.1 Mailbox busy' },
      expected: { source: 'smtp', responseCode: 450, code: 'EENVELOPE', command: 'RCPT TO' },
    },
    {
      name: '452 at RCPT TO',
      fault: { kind: 'reply', stage: 'rcpt', code: 452, message: '4.5.3 Too many recipients' },
      expected: { source: 'smtp', responseCode: 452, code: 'EENVELOPE', command: 'RCPT TO' },
    },
    {
      name: 'SES 454 throttling at RCPT TO',
      fault: { kind: 'reply', stage: 'rcpt', code: 454, message: 'Throttling failure: Maximum sending rate exceeded.' },
      expected: {
        source: 'smtp',
        responseCode: 454,
        code: 'EENVELOPE',
        response: '454 Throttling failure: Maximum sending rate exceeded.',
      },
    },
    {
      name: '550 5.1.1 unknown user at RCPT TO',
      fault: { kind: 'reply', stage: 'rcpt', code: 550, message: '5.1.1 User unknown' },
      expected: { source: 'smtp', responseCode: 550, code: 'EENVELOPE', response: '550 5.1.1 User unknown' },
    },
    {
      name: '451 after DATA',
      fault: { kind: 'reply', stage: 'data', code: 451, message: '4.3.0 Local error in processing' },
      expected: { source: 'smtp', responseCode: 451, code: 'EMESSAGE', command: 'DATA' },
    },
    {
      name: '552 5.3.4 after DATA',
      fault: { kind: 'reply', stage: 'data', code: 552, message: '5.3.4 Message size exceeds fixed limit' },
      expected: { source: 'smtp', responseCode: 552, code: 'EMESSAGE', command: 'DATA' },
    },
    {
      name: '554 5.7.1 content rejected after DATA',
      fault: { kind: 'reply', stage: 'data', code: 554, message: '5.7.1 Message rejected as spam' },
      expected: { source: 'smtp', responseCode: 554, code: 'EMESSAGE', response: '554 5.7.1 Message rejected as spam' },
    },
    {
      name: 'connection dropped in the middle of DATA',
      fault: { kind: 'drop', stage: 'data' },
      // The body had started to go out: the outcome is unknown, never a plain network failure.
      expected: { source: 'interrupted', code: 'ECONNECTION' },
    },
  ];

  for (const pool of [true, false]) {
    for (const f of faults) {
      it(`${pool ? 'pooled' : 'single'}: ${f.name} → ${JSON.stringify(f.expected)}`, async () => {
        server.setScript(() => f.fault);
        const t = transport(settings(server.port), PASS, { pool });
        const failure = await failureOf(t.send(message('carol@example.org')));
        expect(failure).toMatchObject(f.expected);
        expect(server.received).toHaveLength(0);
      });
    }
  }

  it('a pooled transport recovers after a dropped connection and after a refusal', async () => {
    const tries = new Map<string, number>();
    server.setScript(({ rcpt, attempt }) => {
      tries.set(rcpt, attempt);
      return rcpt.startsWith('drop') && attempt === 1
        ? { kind: 'drop', stage: 'data' }
        : rcpt.startsWith('busy')
          ? { kind: 'reply', stage: 'rcpt', code: 421, message: '4.7.0 Try again later' }
          : { kind: 'accept' };
    });
    const t = transport(settings(server.port), PASS, { pool: true, maxConnections: 1 });
    await t.send(message('warm@example.org'));
    // Dropped mid-DATA on a kept-open connection: reported, never resent behind the caller's back.
    const m = message('drop@example.org');
    expect(await failureOf(t.send(m))).toMatchObject({ source: 'interrupted', code: 'ECONNECTION' });
    expect(tries.get('drop@example.org')).toBe(1);
    expect(server.received).toHaveLength(1);
    // The same message again (same Message-ID): the server now takes it, on a fresh connection.
    await t.send(m);
    // A 421 that closes the connection still reaches the caller with its code.
    expect(await failureOf(t.send(message('busy@example.org')))).toMatchObject({ source: 'smtp', responseCode: 421 });
    await t.send(message('dave@example.org'));
    await Promise.all([t.send(message('erin@example.org')), t.send(message('frank@example.org'))]);
    expect(server.received.map((r) => r.to[0])).toEqual([
      'warm@example.org',
      'drop@example.org',
      'dave@example.org',
      'erin@example.org',
      'frank@example.org',
    ]);
    expect(server.received[1]!.raw.equals(m.raw)).toBe(true);
  });

  it('counts attempts per recipient address', async () => {
    const seen: number[] = [];
    server.setScript(({ attempt }) => {
      seen.push(attempt);
      return attempt < 3
        ? { kind: 'reply', stage: 'rcpt', code: 451, message: '4.7.1 Greylisted, try again' }
        : { kind: 'accept' };
    });
    const t = transport(settings(server.port));
    const m = message('grey@example.org');
    expect(await failureOf(t.send(m))).toMatchObject({ responseCode: 451 });
    expect(await failureOf(t.send(m))).toMatchObject({ responseCode: 451 });
    await t.send(m);
    expect(seen).toEqual([1, 2, 3]);
    expect(server.received).toHaveLength(1);
  });

  it('gives up after timeoutMs when the server stalls, and the next send works', async () => {
    // A timeout long enough that a busy machine still gets the body out before it fires.
    server.setScript(({ attempt }) => (attempt === 1 ? delayed(6_000, { kind: 'accept' }) : { kind: 'accept' }));
    const t = transport(settings(server.port, { timeoutMs: 1_200 }), PASS, { pool: true, maxConnections: 1 });
    const started = Date.now();
    const failure = await failureOf(t.send(message('slow@example.org')));
    const took = Date.now() - started;
    // Timed out after the whole message went out: the server may still take it (this one does), so unknown.
    expect(failure).toMatchObject({ source: 'interrupted', code: 'ETIMEDOUT' });
    // The kind says it was our timeout; only the lower bound is timing-safe on a busy machine.
    expect(took).toBeGreaterThanOrEqual(1_000);
    await t.send(message('slow@example.org'));
  });

  it('a stalled MAIL FROM answer also times out', async () => {
    server.setScript(() =>
      delayed(3_000, { kind: 'reply', stage: 'mail', code: 421, message: '4.7.0 Try again later' }),
    );
    const t = transport(settings(server.port, { timeoutMs: 400 }), PASS, { pool: false });
    expect(await failureOf(t.send(message('stall@example.org')))).toMatchObject({
      source: 'network',
      code: 'ETIMEDOUT',
    });
  });

  it('a closed port is a network failure', async () => {
    const closed = await startFaultServer();
    const port = closed.port;
    await closed.close();
    const failure = await failureOf(transport(settings(port, { username: null }), null).send(message('x@example.org')));
    expect(failure).toMatchObject({ source: 'network', code: 'ESOCKET' });
    if (failure.source === 'network') expect(failure.message).toContain('ECONNREFUSED');
  });

  it('starttls never falls back to plain text when the server offers no STARTTLS', async () => {
    const t = transport(settings(server.port, { security: 'starttls' }));
    const failure = await failureOf(t.send(message('tls@example.org')));
    expect(failure.source === 'smtp' || failure.source === 'network').toBe(true);
    expect(server.received).toHaveLength(0);
  });

  it('a relay without authentication needs no user name', async () => {
    const relay = await startFaultServer();
    try {
      const t = transport(settings(relay.port, { username: null }), null);
      await t.verify();
      await t.send(message('relay@example.org'));
      expect(relay.received).toHaveLength(1);
    } finally {
      await relay.close();
    }
  });

  it('the password never shows in a failure', async () => {
    server.setScript(() => ({ kind: 'reply', stage: 'rcpt', code: 550, message: `5.1.1 ${PASS} is not a mailbox` }));
    const failure = await failureOf(transport(settings(server.port)).send(message('leak@example.org')));
    expect(JSON.stringify(failure)).not.toContain(PASS);
    expect(JSON.stringify(failure)).toContain('[redacted]');
  });
});

describe('implicit TLS (security "tls")', () => {
  let tls: SMTPServer;
  let port = 0;
  const got: Buffer[] = [];
  beforeAll(async () => {
    // smtp-server's built-in self-signed certificate: fine for loopback, refused by default.
    tls = new SMTPServer({
      secure: true,
      logger: false,
      authOptional: true,
      disableReverseLookup: true,
      onData(stream, _session, cb) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          got.push(Buffer.concat(chunks));
          cb();
        });
      },
    });
    tls.on('error', () => {});
    await new Promise<void>((done) => tls.listen(0, '127.0.0.1', () => done()));
    const a = tls.server.address();
    port = typeof a === 'object' && a ? a.port : 0;
  });
  afterAll(async () => {
    await new Promise<void>((done) => tls.close(() => done()));
  });

  it('refuses a self-signed certificate unless explicitly allowed', async () => {
    const s = settings(port, { security: 'tls', username: null });
    const refused = await failureOf(transport(s, null, { pool: false }).send(message('t@example.org')));
    expect(refused.source).toBe('network');
    expect(got).toHaveLength(0);

    const m = message('t@example.org');
    await transport(s, null, { pool: false, acceptSelfSignedCertificate: true }).send(m);
    expect(got).toHaveLength(1);
    expect(got[0]!.equals(m.raw)).toBe(true);
  });
});

describe('smtpFailure', () => {
  const rows: { name: string; err: unknown; expected: TransportFailure }[] = [
    {
      name: 'server answer',
      err: Object.assign(new Error('Message failed: 554 5.7.1 Rejected'), {
        code: 'EMESSAGE',
        response: '554 5.7.1 Rejected',
        responseCode: 554,
        command: 'DATA',
      }),
      expected: {
        source: 'smtp',
        responseCode: 554,
        response: '554 5.7.1 Rejected',
        code: 'EMESSAGE',
        command: 'DATA',
      },
    },
    {
      name: 'answer without a parsed code',
      err: Object.assign(new Error('x'), { code: 'EENVELOPE', response: '450 4.2.1 Busy', command: 'RCPT TO' }),
      expected: {
        source: 'smtp',
        responseCode: 450,
        response: '450 4.2.1 Busy',
        code: 'EENVELOPE',
        command: 'RCPT TO',
      },
    },
    {
      name: 'dns failure',
      err: Object.assign(new Error('getaddrinfo ENOTFOUND smtp.nowhere'), { code: 'EDNS' }),
      expected: { source: 'network', code: 'EDNS', message: 'getaddrinfo ENOTFOUND smtp.nowhere' },
    },
    {
      name: 'tls failure without answer',
      err: Object.assign(new Error('Error initiating TLS'), { code: 'ETLS', command: 'CONN' }),
      expected: { source: 'network', code: 'ETLS', message: 'Error initiating TLS' },
    },
    {
      name: 'raw socket reset',
      err: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
      expected: { source: 'network', code: 'ECONNRESET', message: 'read ECONNRESET' },
    },
    {
      name: 'missing credentials, no answer',
      err: Object.assign(new Error('Missing credentials for "PLAIN"'), { code: 'EAUTH', command: 'API' }),
      expected: {
        source: 'smtp',
        responseCode: null,
        response: 'Missing credentials for "PLAIN"',
        code: 'EAUTH',
        command: 'API',
      },
    },
    {
      name: 'configuration error',
      err: Object.assign(new Error('Invalid configuration'), { code: 'ECONFIG' }),
      expected: { source: 'config', message: 'Invalid configuration' },
    },
    { name: 'plain error', err: new Error('boom'), expected: { source: 'network', code: null, message: 'boom' } },
    { name: 'not an error', err: 'weird', expected: { source: 'network', code: null, message: 'weird' } },
    {
      name: 'already a TransportError',
      err: new TransportError({ source: 'config', message: 'No password' }),
      expected: { source: 'config', message: 'No password' },
    },
  ];
  for (const r of rows) {
    it(r.name, () => {
      expect(smtpFailure(r.err)).toEqual(r.expected);
    });
  }
});
