// One message builder for every transport: the same recipient's message, sent through SMTP to a
// loopback server and through the Gmail API to the loopback Google endpoints, arrives as the
// same bytes, and parses as valid MIME.
import { createRequire } from 'node:module';
import { afterAll, describe, expect, it } from 'vitest';
import { saveTokens } from '../../main/engine/gmail/tokens';
import { buildMessage } from '../../main/engine/messages/build';
import { createGmailTransport } from '../../main/engine/transports/gmail';
import { createSmtpTransport } from '../../main/engine/transports/smtp';
import { FAKE_CLIENT_ID, FAKE_CLIENT_SECRET, type FakeGoogle, startFakeGoogle } from '../helpers/fake-google';
import { MemorySecrets } from '../helpers/memory-secrets';
import { type FaultServer, startFaultServer } from '../helpers/smtp-fault-server';

const { simpleParser } = createRequire(import.meta.url)('mailparser') as {
  simpleParser(raw: Buffer): Promise<{
    subject?: string;
    messageId?: string;
    html: string | false;
    text?: string;
    headers: Map<string, unknown>;
    attachments: unknown[];
  }>;
};

let smtp: FaultServer;
let google: FakeGoogle;
afterAll(async () => {
  await smtp?.close();
  await google?.close();
});

describe('the same bytes through every transport', () => {
  it('SMTP and Gmail deliver identical RFC 5322 messages', async () => {
    smtp = await startFaultServer({ script: () => ({ kind: 'accept' }) });
    google = await startFakeGoogle({ email: 'team@gmail.com' });
    const secrets = new MemorySecrets();
    const minted = google.mint('team@gmail.com');
    await saveTokens(secrets, 1, { ...minted, scope: minted.scope });

    const message = await buildMessage({
      from: { name: 'Zoë at Team', address: 'team@gmail.com' },
      to: 'Ana.Pérez@example.org',
      replyTo: 'replies@example.org',
      subject: 'Grüße, Ana — your invite',
      html: '<p>Hola <b>Ana</b> ✓</p>',
      text: 'Hola Ana ✓',
      messageId: '<fixed-id-1@gmail.com>',
      date: new Date(Date.UTC(2026, 10, 22, 9, 0, 0)),
      attachments: [],
      listUnsubscribe: { mailto: 'team@gmail.com', url: 'https://example.org/u?e=ana%40example.org' },
      meta: { campaignId: 1, recipientId: 1, subject: 'Grüße, Ana — your invite' },
    });

    const viaSmtp = createSmtpTransport(
      { host: '127.0.0.1', port: smtp.port, security: 'none', username: null, timeoutMs: 5_000 },
      null,
    );
    await viaSmtp.send(message);
    await viaSmtp.close();
    const viaGmail = createGmailTransport({
      client: { clientId: FAKE_CLIENT_ID, clientSecret: FAKE_CLIENT_SECRET },
      accountId: 1,
      secrets,
      endpoints: google.endpoints,
    });
    await viaGmail.send(message);
    await viaGmail.close();

    const overSmtp = smtp.received[0]!.raw;
    const overGmail = google.state.sent[0]!.raw;
    // SMTP framing ends DATA with CRLF.CRLF; the server hands over the message without it.
    const trim = (b: Buffer) => b.toString('latin1').replace(/(\r\n)+$/, '');
    expect(trim(overSmtp)).toBe(trim(overGmail));
    expect(trim(overGmail)).toBe(trim(message.raw));

    const parsed = await simpleParser(overGmail);
    expect(parsed.subject).toBe('Grüße, Ana — your invite');
    expect(parsed.messageId).toBe('<fixed-id-1@gmail.com>');
    expect(parsed.html).toContain('<b>Ana</b>');
    expect(parsed.text?.trim()).toBe('Hola Ana ✓');
    expect(overGmail.toString('latin1')).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r$/m);
    expect(overGmail.toString('latin1')).toMatch(/Content-Type: multipart\/alternative/);
  });
});
