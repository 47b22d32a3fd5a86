import { createRequire } from 'node:module';
import MailComposer from 'nodemailer/lib/mail-composer';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GoogleEndpoints } from '../../main/engine/gmail/endpoints';
import { loadTokens, mergeTokens, type StoredTokens, saveTokens } from '../../main/engine/gmail/tokens';
import { createGmailTransport } from '../../main/engine/transports/gmail';
import { type OutgoingMessage, TransportError, type TransportFailure } from '../../main/engine/transports/transport';
import { FAKE_CLIENT_ID, FAKE_CLIENT_SECRET, type FakeGoogle, startFakeGoogle } from '../helpers/fake-google';
import { MemorySecrets } from '../helpers/memory-secrets';

// mailparser ships no type declarations; this is the part the tests read.
interface ParsedMail {
  subject?: string;
  messageId?: string;
  text?: string;
  html?: string | false;
  from?: { value: { address?: string; name: string }[] };
  to?: { value: { address?: string; name: string }[] };
  headers: Map<string, unknown>;
}
const { simpleParser } = createRequire(import.meta.url)('mailparser') as {
  simpleParser: (source: Buffer) => Promise<ParsedMail>;
};

const client = { clientId: FAKE_CLIENT_ID, clientSecret: FAKE_CLIENT_SECRET };
const ACCOUNT = 7;

async function compose(to = 'Bob Example <bob@example.org>'): Promise<OutgoingMessage> {
  const messageId = '<c1.r42.abc@campaign-tray.local>';
  const raw = await new MailComposer({
    from: { name: 'Ann Sender', address: 'sender@example.com' },
    to,
    subject: 'Grüße aus dem Test',
    text: 'Hello Bob, plain part.',
    html: '<p>Hello <b>Bob</b>, html part.</p>',
    messageId,
    headers: { 'List-Unsubscribe': '<mailto:sender@example.com?subject=unsubscribe>' },
  })
    .compile()
    .build();
  return {
    raw,
    envelope: { from: 'sender@example.com', to: ['bob@example.org'] },
    messageId,
    meta: { campaignId: 1, recipientId: 42, subject: 'Grüße aus dem Test' },
  };
}

async function failureOf(p: Promise<unknown>): Promise<TransportFailure> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TransportError);
  return (err as TransportError).failure;
}

describe('mergeTokens', () => {
  const stored: StoredTokens = { refreshToken: 'r-old', accessToken: 'a-old', expiryDate: 1000, scope: 's-old' };
  it.each([
    {
      name: 'a refresh without refresh_token keeps the stored one',
      refreshed: { access_token: 'a-new', expiry_date: 5000, scope: 's-old' },
      expected: { refreshToken: 'r-old', accessToken: 'a-new', expiryDate: 5000, scope: 's-old' },
    },
    {
      name: 'a rotated refresh token replaces the stored one',
      refreshed: { access_token: 'a-new', refresh_token: 'r-new', expiry_date: 5000 },
      expected: { refreshToken: 'r-new', accessToken: 'a-new', expiryDate: 5000, scope: 's-old' },
    },
    {
      name: 'a new access token without expiry has an unknown expiry',
      refreshed: { access_token: 'a-new', refresh_token: null },
      expected: { refreshToken: 'r-old', accessToken: 'a-new', expiryDate: null, scope: 's-old' },
    },
    {
      name: 'an answer without access token keeps the stored one and its expiry',
      refreshed: { access_token: null, scope: 's-new' },
      expected: { refreshToken: 'r-old', accessToken: 'a-old', expiryDate: 1000, scope: 's-new' },
    },
    {
      name: 'empty strings count as absent',
      refreshed: { access_token: '', refresh_token: '', scope: '' },
      expected: stored,
    },
  ])('$name', ({ refreshed, expected }) => {
    expect(mergeTokens(stored, refreshed)).toEqual(expected);
  });
});

describe('Gmail transport against a loopback Google', () => {
  let fake: FakeGoogle;
  let secrets: MemorySecrets;

  beforeEach(async () => {
    fake = await startFakeGoogle();
    secrets = new MemorySecrets();
  });
  afterEach(async () => {
    await fake.close();
  });

  const transport = (endpoints: GoogleEndpoints = fake.endpoints) =>
    createGmailTransport({ client, accountId: ACCOUNT, secrets, endpoints });
  const refreshRequests = () => fake.state.tokenRequests.filter((q) => q.get('grant_type') === 'refresh_token');

  it('sends the exact message bytes as base64url, and they parse as the MIME message built', async () => {
    await saveTokens(secrets, ACCOUNT, { ...fake.mint(), scope: null });
    const message = await compose();
    const receipt = await transport().send(message);

    expect(fake.state.sent).toHaveLength(1);
    const sent = fake.state.sent[0]!;
    expect(receipt.response).toBe(`Gmail message ${sent.id}`);
    expect(sent.raw.equals(message.raw)).toBe(true);
    const mail = await simpleParser(sent.raw);
    expect(mail.subject).toBe('Grüße aus dem Test');
    expect(mail.messageId).toBe('<c1.r42.abc@campaign-tray.local>');
    expect(mail.from?.value[0]).toEqual({ address: 'sender@example.com', name: 'Ann Sender' });
    expect(mail.to?.value[0]).toEqual({ address: 'bob@example.org', name: 'Bob Example' });
    expect(mail.text?.trim()).toBe('Hello Bob, plain part.');
    expect(mail.html).toContain('<b>Bob</b>');
    // mailparser files List-* headers under 'list' and keeps the mailto target.
    expect(mail.headers.get('list')).toMatchObject({ unsubscribe: { mail: 'sender@example.com?subject=unsubscribe' } });
    // A valid access token: no refresh needed.
    expect(refreshRequests()).toHaveLength(0);
  });

  it('refreshes an expired access token before sending and stores the merged set', async () => {
    const minted = fake.mint();
    await saveTokens(secrets, ACCOUNT, { ...minted, expiryDate: Date.now() - 60_000 });
    await transport().send(await compose());

    expect(refreshRequests()).toHaveLength(1);
    const stored = await loadTokens(secrets, ACCOUNT);
    expect(stored?.refreshToken).toBe(minted.refreshToken);
    expect(stored?.accessToken).not.toBe(minted.accessToken);
    expect(stored?.accessToken).toBe(fake.state.sent[0]?.accessToken);
    expect(stored?.expiryDate).toBeGreaterThan(Date.now() + 3000_000);
    expect(fake.state.sendAttempts).toBe(1);
  });

  it('refreshes once and retries once when Google answers 401 to a token it expired early', async () => {
    const minted = fake.mint();
    await saveTokens(secrets, ACCOUNT, minted);
    fake.expireAccessTokens();
    await transport().send(await compose());

    expect(fake.state.sendAttempts).toBe(2);
    expect(refreshRequests()).toHaveLength(1);
    expect(fake.state.sent).toHaveLength(1);
    expect((await loadTokens(secrets, ACCOUNT))?.refreshToken).toBe(minted.refreshToken);
  });

  it('reports http 401 when the send is still refused after the refresh', async () => {
    await saveTokens(secrets, ACCOUNT, fake.mint());
    fake.script({ send: 'unauthorized' });
    fake.script({ send: 'unauthorized' });
    const f = await failureOf(transport().send(await compose()));
    expect(f).toMatchObject({ source: 'http', status: 401, reason: 'authError' });
    expect(fake.state.sendAttempts).toBe(2);
    expect(refreshRequests()).toHaveLength(1);
    expect(fake.state.sent).toHaveLength(0);
  });

  it('reports invalid_grant as an oauth failure and sends nothing', async () => {
    await saveTokens(secrets, ACCOUNT, { ...fake.mint(), expiryDate: Date.now() - 1 });
    fake.script({ refresh: 'invalid_grant' });
    const f = await failureOf(transport().send(await compose()));
    expect(f).toEqual({ source: 'oauth', error: 'invalid_grant', description: 'Token has been expired or revoked.' });
    expect(fake.state.sendAttempts).toBe(0);
  });

  it('reports a 429 with its reason, its Retry-After header and the retry time in the message, without retrying', async () => {
    await saveTokens(secrets, ACCOUNT, fake.mint());
    fake.script({ send: 'rateLimit', retryAt: '2026-03-01T10:15:00.000Z', retryAfter: '120' });
    const f = await failureOf(transport().send(await compose()));
    expect(f).toEqual({
      source: 'http',
      status: 429,
      reason: 'rateLimitExceeded',
      message: 'User-rate limit exceeded.  Retry after 2026-03-01T10:15:00.000Z',
      retryAfter: '120',
    });
    expect(fake.state.sendAttempts).toBe(1);
  });

  it.each([
    {
      name: '403 daily limit',
      step: { send: 'dailyLimit' as const },
      expected: { status: 403, reason: 'dailyLimitExceeded', message: 'Daily Limit Exceeded', retryAfter: null },
    },
    {
      name: '429 mail sending limit',
      step: { send: 'mailLimit' as const, retryAt: '2026-03-02T00:00:00.000Z' },
      expected: {
        status: 429,
        reason: 'rateLimitExceeded',
        message: 'Mail sending limit exceeded.  Retry after 2026-03-02T00:00:00.000Z',
      },
    },
    {
      name: '500 backend error',
      step: { send: 'serverError' as const },
      expected: { status: 500, reason: 'backendError', message: 'Internal error encountered.' },
    },
  ])('reports a $name faithfully and does not retry it', async ({ step, expected }) => {
    await saveTokens(secrets, ACCOUNT, fake.mint());
    fake.script(step);
    const f = await failureOf(transport().send(await compose()));
    expect(f).toMatchObject({ source: 'http', ...expected });
    expect(fake.state.sendAttempts).toBe(1);
    expect(refreshRequests()).toHaveLength(0);
  });

  it('reports the 400 Google gives for an unparsable To header', async () => {
    await saveTokens(secrets, ACCOUNT, fake.mint());
    const message = await compose();
    const raw = Buffer.from(
      'From: sender@example.com\r\nTo: not an address\r\nSubject: x\r\nMessage-ID: <m@x>\r\n\r\nbody\r\n',
    );
    const f = await failureOf(transport().send({ ...message, raw }));
    expect(f).toEqual({
      source: 'http',
      status: 400,
      reason: 'invalidArgument',
      message: 'Invalid To header',
      retryAfter: null,
    });
    expect(fake.state.sent).toHaveLength(0);
  });

  it('reports an unreachable Google as a network failure', async () => {
    await saveTokens(secrets, ACCOUNT, fake.mint());
    const dead = { ...fake.endpoints };
    await fake.close();
    const f = await failureOf(transport(dead).send(await compose()));
    expect(f).toMatchObject({ source: 'network', code: 'ECONNREFUSED' });
    fake = await startFakeGoogle();
  });

  it('reports missing tokens as a grant to repair, and picks up tokens saved later', async () => {
    const t = transport();
    const f = await failureOf(t.send(await compose()));
    expect(f).toMatchObject({ source: 'oauth', error: 'invalid_grant' });
    await saveTokens(secrets, ACCOUNT, fake.mint());
    await t.send(await compose());
    expect(fake.state.sent).toHaveLength(1);
  });

  it('verify() proves the grant with a refresh, and reports a revoked one', async () => {
    await saveTokens(secrets, ACCOUNT, fake.mint());
    await transport().verify();
    expect(refreshRequests()).toHaveLength(1);
    fake.script({ refresh: 'invalid_grant' });
    const f = await failureOf(transport().verify());
    expect(f).toMatchObject({ source: 'oauth', error: 'invalid_grant' });
    expect(fake.state.sendAttempts).toBe(0);
  });

  it('keeps tokens out of every failure it reports', async () => {
    const minted = fake.mint();
    await saveTokens(secrets, ACCOUNT, minted);
    fake.script({ send: 'serverError' });
    const err = await transport()
      .send(await compose())
      .catch((e: unknown) => e);
    const text = `${String(err)} ${JSON.stringify((err as TransportError).failure)}`;
    for (const t of [minted.accessToken, minted.refreshToken, FAKE_CLIENT_SECRET]) expect(text).not.toContain(t);
  });
});
