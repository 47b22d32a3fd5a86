// Feedback from a Gmail account over the API, against the loopback Google: the read scope is asked
// for only when the user turns feedback on (incremental authorization), only messages whose headers
// can be feedback are downloaded, and the bounce and the reply land on the right recipients.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../main/engine/clock';
import { parseHeaderBlock, splitHead } from '../../main/engine/feedback/parse';
import type { EventName } from '../../shared/contract';
import { addRecipients, type Harness, limits, startEngine } from '../helpers/engine-harness';
import { FAKE_CLIENT_ID, FAKE_CLIENT_SECRET, type FakeGoogle, startFakeGoogle } from '../helpers/fake-google';

const READ_SCOPE = 'https://www.googleapis.com/auth/gmail.readonly';
const FIXTURES = path.join(import.meta.dirname, '../fixtures/feedback');
let fake: FakeGoogle;
let h: Harness;
afterEach(async () => {
  await h?.close();
  await fake?.close();
});

async function waitFor(ok: () => boolean) {
  for (let i = 0; i < 1_000 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(ok()).toBe(true);
}

/** Plays the browser: Google redirects to the app's loopback listener. */
async function consent(authUrl: string) {
  const atGoogle = await fetch(authUrl, { redirect: 'manual' });
  await fetch(atGoogle.headers.get('location')!);
}

describe('feedback from a Gmail mailbox', () => {
  it('asks for gmail.readonly only when feedback is turned on, then reads the bounce and the reply', async () => {
    fake = await startFakeGoogle({ email: 'team@gmail.com' });
    h = await startEngine({ google: fake.endpoints, clock: systemClock });
    const events: EventName[] = [];
    h.engine.hub.subscribe((event) => events.push(event));
    await h.call('gmail.setClient', { clientId: FAKE_CLIENT_ID, clientSecret: FAKE_CLIENT_SECRET });
    await consent((await h.call('gmail.connect', {})).authUrl);
    await waitFor(() => events.includes('gmail.connect'));
    const gmail = h.engine.store.accounts.findByAddress('gmail', 'team@gmail.com')!;
    expect(fake.state.authRequests[0]!.get('scope')).not.toContain(READ_SCOPE);

    // Sending works without the read scope; feedback says what to do instead of failing later.
    await expect(h.call('feedback.configure', { accountId: gmail.id, enabled: true })).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringMatching(/read/),
    });

    // The user unticks reading on Google's screen: sending goes on, feedback stays off.
    fake.script({ consent: 'allow', withoutRead: true });
    let connects = events.filter((e) => e === 'gmail.connect').length;
    await consent((await h.call('gmail.connect', { reconnectAccountId: gmail.id, readFeedback: true })).authUrl);
    await waitFor(() => events.filter((e) => e === 'gmail.connect').length > connects);
    expect((await h.call('feedback.readers', {})).find((r) => r.accountId === gmail.id)?.enabled).toBe(false);
    expect(h.engine.store.accounts.get(gmail.id)?.status).toBe('active');

    const { authUrl } = await h.call('gmail.connect', { reconnectAccountId: gmail.id, readFeedback: true });
    const asked = new URL(authUrl).searchParams;
    expect(asked.get('scope')).toContain(READ_SCOPE);
    expect(asked.get('include_granted_scopes')).toBe('true');
    expect(asked.get('login_hint')).toBe('team@gmail.com');
    connects = events.filter((e) => e === 'gmail.connect').length;
    await consent(authUrl);
    await waitFor(() => events.filter((e) => e === 'gmail.connect').length > connects);
    const reader = (await h.call('feedback.readers', {})).find((r) => r.accountId === gmail.id)!;
    expect(reader).toMatchObject({ enabled: true, via: 'gmail', imap: null });

    await h.call('accounts.update', {
      id: gmail.id,
      limits: limits({ perMinute: 30, perHour: 400, perDay: 400, maxConcurrent: 1 }),
    });
    const c = await h.call('campaigns.create', {
      name: 'Spring news',
      pool: [gmail.id],
      template: { subject: 'Spring news', body: '<p>Hello!</p>', format: 'html', text: null },
    });
    addRecipients(h, c.id, ['no.such.user@gmail.com', 'heidi@example.de']);
    await h.call('campaigns.start', { id: c.id });
    await waitFor(() => fake.state.sent.length === 2);
    await waitFor(() => h.engine.store.recipients.counts(c.id).sent === 2);
    const idOf = (to: string) => {
      const sent = fake.state.sent.find((s) => parseHeaderBlock(splitHead(s.raw).head).to?.[0] === to)!;
      return parseHeaderBlock(splitHead(sent.raw).head)['message-id']![0]!;
    };

    // Google's own bounce, a human reply, and mail that is none of our business.
    const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, `${name}.eml`), 'utf8');
    fake.deliver(
      fixture('gmail-address-not-found').replaceAll(
        '<7c4e1d93-2b8a-4f60-8e15-9a3d7b0c5f42@gmail.com>',
        idOf('no.such.user@gmail.com'),
      ),
    );
    fake.deliver(
      fixture('human-reply').replaceAll('<8b9c0d1e-2f3a-4b4c-d5e6-f7a8b9c0d1e2@example.com>', idOf('heidi@example.de')),
    );
    fake.deliver(fixture('unrelated-newsletter'));
    // Old mail before the first read's window is never listed.
    fake.deliver(fixture('unrelated-keywords'), { internalDate: Date.now() - 90 * 86_400_000 });

    await h.call('feedback.readNow', { accountId: gmail.id });
    expect(await h.call('feedback.counts', { campaignId: c.id })).toMatchObject({ hard_bounce: 1, reply: 1 });
    const rows = (await h.call('recipients.list', { campaignId: c.id })).rows;
    expect(rows.find((r) => r.address === 'no.such.user@gmail.com')).toMatchObject({
      state: 'sent',
      feedback: 'hard_bounce',
    });
    expect(rows.find((r) => r.address === 'heidi@example.de')?.feedback).toBe('reply');
    expect((await h.call('suppressions.list', {})).rows.map((s) => s.address)).toEqual(['no.such.user@gmail.com']);

    // Headers of three messages, bodies of the two that could be feedback; the query is bounded.
    expect(fake.state.getFormats.filter((f) => f === 'metadata')).toHaveLength(3);
    expect(fake.state.getFormats.filter((f) => f === 'raw')).toHaveLength(2);
    expect(fake.state.listQueries[0]).toMatch(/^after:\d+ -from:me -in:chats$/);

    // A second pass finds nothing new and changes nothing.
    const before = h.engine.store.feedback.reader(gmail.id)!.processed;
    await h.call('feedback.readNow', { accountId: gmail.id });
    expect(h.engine.store.feedback.reader(gmail.id)!.processed).toBe(before);
    expect((await h.call('feedback.list', { campaignId: c.id })).total).toBe(2);

    // The soft-bounce limit is the one in Settings: at 1, the first soft bounce suppresses.
    await h.call('settings.update', { feedback: { softBounceLimit: 1 } });
    fake.deliver(
      fixture('exchange-mailbox-full').replaceAll(
        '<9e8d7c6b-5a49-4382-a1f0-e9d8c7b6a504@example.com>',
        idOf('heidi@example.de'),
      ),
    );
    await h.call('feedback.readNow', { accountId: gmail.id });
    expect(await h.call('feedback.counts', { campaignId: c.id })).toMatchObject({ soft_bounce: 1 });
    expect((await h.call('suppressions.list', {})).rows.map((s) => [s.address, s.reason])).toContainEqual([
      'heidi@example.de',
      'bounced',
    ]);
  });
});
