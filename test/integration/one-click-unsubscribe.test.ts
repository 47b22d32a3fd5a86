// RFC 8058 one-click unsubscribe end to end: a real engine on a real SQLite file sends a campaign
// to the local outbox with the server's public base URL, and the listener on loopback answers the
// links those messages carry, over real HTTP.
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { appHandlers } from '../../main/engine/api/app-api';
import { createProcessor } from '../../main/engine/feedback/process';
import { tokenKeyLoader } from '../../main/engine/feedback/token-key';
import { silentLogger } from '../../main/engine/log';
import {
  type ListenerLimitsInput,
  type RunningListener,
  startUnsubscribeListener,
} from '../../main/server/unsubscribe-listener';
import { testContext } from '../helpers/context';
import { addRecipients, type Harness, runUntil, startEngine } from '../helpers/engine-harness';
import type { ManualClock } from '../helpers/manual-clock';
import { MemorySecrets } from '../helpers/memory-secrets';
import { tmpDir } from '../helpers/tmp';

const BASE = 'https://unsub.example.com/ct';

let h: Harness | null = null;
let listener: RunningListener | null = null;
afterEach(async () => {
  await listener?.close();
  listener = null;
  await h?.close();
  h = null;
});

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function request(
  port: number,
  method: string,
  path: string,
  opts: { body?: string; headers?: Record<string, string> } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers: opts.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }),
      );
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };
const oneClick = (port: number, path: string, headers: Record<string, string> = {}) =>
  request(port, 'POST', path, { body: 'List-Unsubscribe=One-Click', headers: { ...FORM, ...headers } });

/** Sends a campaign to `addresses` through the local outbox; returns each message's raw source. */
async function sendCampaign(harness: Harness, addresses: string[]) {
  const [outbox] = await harness.call('accounts.list', {});
  const c = await harness.call('campaigns.create', { name: 'Spring', pool: [outbox!.id] });
  addRecipients(harness, c.id, addresses);
  await harness.call('campaigns.start', { id: c.id });
  await runUntil(harness, () => harness.engine.store.recipients.counts(c.id).sent === addresses.length, 60 * 60_000);
  const { rows } = await harness.call('outbox.list', { campaignId: c.id });
  const raw = new Map<string, string>();
  for (const r of rows) raw.set(r.to, (await harness.call('outbox.read', { id: r.id })).raw);
  return { campaignId: c.id, raw };
}

/** A header's value, unfolded. */
function headerOf(raw: string, name: string): string | null {
  const head = raw.slice(0, raw.indexOf('\r\n\r\n'));
  const m = head.match(new RegExp(`^${name}:(.*(?:\r\n[ \t].*)*)`, 'm'));
  return m ? m[1]!.replace(/\r\n[ \t]+/g, ' ').trim() : null;
}

/** The https target of a message's List-Unsubscribe, as a path on the listener. */
function linkPath(raw: string): string {
  const header = headerOf(raw, 'List-Unsubscribe') ?? '';
  const url = header.match(/<(https:[^>]+)>/)?.[1];
  if (!url) throw new Error(`no https target in: ${header}`);
  expect(url.startsWith(`${BASE}/u/`)).toBe(true);
  return new URL(url).pathname;
}

async function setUp(opts: { limits?: ListenerLimitsInput; now?: () => number; trustProxy?: boolean } = {}) {
  h = await startEngine({ oneClick: { baseUrl: BASE } });
  listener = await startUnsubscribeListener({
    host: '127.0.0.1',
    port: 0,
    basePath: '/ct',
    unsubscribe: h.engine.unsubscribe,
    log: silentLogger,
    ...opts,
  });
  return { harness: h, port: listener.port };
}

describe('one-click unsubscribe', () => {
  it('a message carries the https link next to the mailto, and the one-click header', async () => {
    const { harness } = await setUp();
    const { raw } = await sendCampaign(harness, ['ada@example.test']);
    const msg = raw.get('ada@example.test')!;
    const header = headerOf(msg, 'List-Unsubscribe');
    expect(header).toMatch(
      /^<mailto:[^>]+\?subject=unsubscribe%20[0-9a-z]+-[0-9a-f]{20}>, <https:\/\/unsub\.example\.com\/ct\/u\/[0-9a-z]+-[0-9a-f]{20}>$/,
    );
    expect(headerOf(msg, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect((await harness.call('app.info', {})).oneClick).toEqual({ status: 'on', baseUrl: BASE });
  });

  it("the composer's preview shows the List-Unsubscribe the recipient got, with their own token", async () => {
    const { harness } = await setUp();
    const { campaignId, raw } = await sendCampaign(harness, ['ada@example.test', 'bob@example.test']);
    for (const address of ['ada@example.test', 'bob@example.test']) {
      const preview = await harness.call('templates.preview', {
        campaignId,
        recipientId: recipientId(harness, campaignId, address),
      });
      const shown = Object.fromEntries(preview.headers.filter(([name]) => name.startsWith('List-Unsubscribe')));
      expect(shown).toEqual({
        'List-Unsubscribe': headerOf(raw.get(address)!, 'List-Unsubscribe'),
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      });
    }
  });

  it('GET shows a confirmation page and changes nothing; POST suppresses once, however often it comes', async () => {
    const { harness, port } = await setUp();
    const { campaignId, raw } = await sendCampaign(harness, ['ada@example.test', 'bob@example.test']);
    const path = linkPath(raw.get('ada@example.test')!);

    const page = await request(port, 'GET', path);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['content-security-policy']).toMatch(/default-src 'none'/);
    expect(page.headers['content-security-policy']).toMatch(/form-action 'self'/);
    expect(page.headers['content-security-policy']).not.toMatch(/unsafe-inline/);
    expect(page.body).toMatch(/<form method="post">/);
    expect(page.body).toMatch(/name="List-Unsubscribe" value="One-Click"/);
    // Nothing external: no script, no link, no image.
    expect(page.body).not.toMatch(/<script|<link|<img|src=/i);
    expect((await request(port, 'HEAD', path)).status).toBe(200);
    expect(harness.engine.store.suppressions.has('ada@example.test')).toBe(false);
    expect((await harness.call('feedback.counts', { campaignId })).unsubscribe).toBe(0);

    const done = await oneClick(port, path);
    expect(done.status).toBe(200);
    expect(done.body).toMatch(/You are unsubscribed/);
    expect(harness.engine.store.suppressions.has('ada@example.test')).toBe(true);
    expect(harness.engine.store.suppressions.has('bob@example.test')).toBe(false);
    expect((await harness.call('feedback.counts', { campaignId })).unsubscribe).toBe(1);
    expect(harness.engine.store.recipients.get(recipientId(harness, campaignId, 'ada@example.test'))?.feedback).toBe(
      'unsubscribe',
    );
    const lines = async () =>
      (await harness.call('activity.list', { campaignId })).filter((a) => /one-click/.test(a.message));
    expect((await lines()).map((a) => a.message)).toEqual([
      'ada@example.test unsubscribed with the one-click link (Spring); the address is now suppressed',
    ]);

    // A provider retrying, or the user clicking twice: the same answer, nothing counted twice.
    const again = await oneClick(port, path);
    expect(again.status).toBe(200);
    expect((await harness.call('feedback.counts', { campaignId })).unsubscribe).toBe(1);
    expect((await harness.call('feedback.list', { campaignId })).total).toBe(1);
    expect(await lines()).toHaveLength(1);

    // RFC 8058 says receivers should post multipart/form-data; that counts the same (once, for bob).
    const bob = linkPath(raw.get('bob@example.test')!);
    const multipart = [
      '--xyz',
      'Content-Disposition: form-data; name="List-Unsubscribe"',
      '',
      'One-Click',
      '--xyz--',
      '',
    ].join('\r\n');
    const viaMultipart = await request(port, 'POST', bob, {
      body: multipart,
      headers: { 'Content-Type': 'multipart/form-data; boundary=xyz' },
    });
    expect(viaMultipart.status).toBe(200);
    expect(harness.engine.store.suppressions.has('bob@example.test')).toBe(true);
    expect((await harness.call('feedback.counts', { campaignId })).unsubscribe).toBe(2);
  });

  it('refuses forged and malformed tokens without saying why, and a POST without the one-click body', async () => {
    const { harness, port } = await setUp();
    const { campaignId, raw } = await sendCampaign(harness, ['ada@example.test']);
    const path = linkPath(raw.get('ada@example.test')!);
    const token = path.split('/').pop()!;
    const [id, mac] = token.split('-') as [string, string];
    const forged = [
      `/ct/u/${id}-${mac.slice(0, -1)}${mac.endsWith('0') ? '1' : '0'}`, // one hex digit off
      `/ct/u/${(Number.parseInt(id, 36) + 1).toString(36)}-${mac}`, // another recipient's id
      `/ct/u/zzzzzz-${mac}`, // nobody
      `/ct/u/0-${mac}`, // id 0, which no recipient has
      `/ct/u/zzzzzzzzzzz-${mac}`, // an id past the safe integers
      '/ct/u/not-a-token',
      `/ct/u/${token}x`,
    ];
    const notFound = await request(port, 'GET', '/nothing-here');
    for (const p of forged) {
      for (const r of [await request(port, 'GET', p), await oneClick(port, p)]) {
        expect(r.status).toBe(404);
        // The same answer as a path that never existed: nothing to learn from.
        expect(r.body).toBe(notFound.body);
      }
    }
    expect((await request(port, 'POST', path, { body: 'List-Unsubscribe=Maybe', headers: FORM })).status).toBe(400);
    expect((await request(port, 'POST', path, { body: 'List-Unsubscribe=One-Click' })).status).toBe(400);
    const big = await request(port, 'POST', path, {
      body: `List-Unsubscribe=One-Click&x=${'a'.repeat(5_000)}`,
      headers: FORM,
    });
    expect(big.status).toBe(413);
    expect((await request(port, 'PUT', path)).status).toBe(405);
    expect(harness.engine.store.suppressions.has('ada@example.test')).toBe(false);
    expect((await harness.call('feedback.counts', { campaignId })).unsubscribe).toBe(0);
    // The link works without the base path too, for a proxy that strips it.
    expect((await oneClick(port, `/u/${token}`)).status).toBe(200);
  });

  it("a deleted campaign's links still unsubscribe, by one click and by mail, even once its ids are reused", async () => {
    const { harness, port } = await setUp();
    const { campaignId, raw } = await sendCampaign(harness, ['ada@example.test', 'bob@example.test']);
    const adaLink = linkPath(raw.get('ada@example.test')!);
    const bobSubject = decodeURIComponent(
      headerOf(raw.get('bob@example.test')!, 'List-Unsubscribe')!.match(/\?subject=([^>]+)>/)![1]!,
    );
    const adaId = recipientId(harness, campaignId, 'ada@example.test');
    await harness.call('campaigns.delete', { id: campaignId });

    // A new campaign's recipient may get a deleted one's id: their links are told apart by the MAC.
    const [outbox] = await harness.call('accounts.list', {});
    const next = await harness.call('campaigns.create', { name: 'Summer', pool: [outbox!.id] });
    addRecipients(harness, next.id, ['carol@example.test']);
    expect(recipientId(harness, next.id, 'carol@example.test')).toBe(adaId);

    expect((await request(port, 'GET', adaLink)).status).toBe(200);
    const done = await oneClick(port, adaLink);
    expect(done.status).toBe(200);
    expect(done.body).toMatch(/You are unsubscribed/);
    expect(harness.engine.store.suppressions.has('ada@example.test')).toBe(true);
    expect(harness.engine.store.suppressions.has('carol@example.test')).toBe(false);
    expect((await harness.call('feedback.counts', { campaignId: next.id })).unsubscribe).toBe(0);
    expect((await oneClick(port, adaLink)).status).toBe(200);

    // The mailto request lands in the sending mailbox; the reader finds the token in its subject.
    const process = createProcessor(
      { store: harness.engine.store, clock: harness.clock },
      tokenKeyLoader(harness.secrets, silentLogger),
    );
    const request_ = [
      'From: bob@example.test',
      'To: ana@example.com',
      `Subject: ${bobSubject}`,
      'Message-ID: <u-1@example.test>',
      '',
      '',
    ];
    const result = await process(outbox!.id, {
      mailboxId: 'imap:1:1',
      cursor: '1:1',
      raw: Buffer.from(request_.join('\r\n')),
      receivedAt: null,
    });
    expect(result.kept?.suppressed).toBe(true);
    expect(harness.engine.store.suppressions.has('bob@example.test')).toBe(true);

    const lines = (await harness.call('activity.list', {}))
      .map((a) => a.message)
      .filter((m) => /deleted campaign/.test(m));
    expect(lines).toEqual([
      'ada@example.test unsubscribed with the one-click link (deleted campaign “Spring”); the address is now suppressed',
    ]);
    // Nothing else of a deleted recipient is kept: the address, for this, and nothing more.
    expect(harness.sql().prepare('SELECT * FROM deleted_recipients ORDER BY recipient_id').all()).toEqual([
      expect.objectContaining({ address: 'ada@example.test', campaign_name: 'Spring' }),
      expect.objectContaining({ address: 'bob@example.test', campaign_name: 'Spring' }),
    ]);
  });

  it('serves nothing else of the app: no page, no API, no file, no WebSocket', async () => {
    const { port } = await setUp();
    for (const p of [
      '/',
      '/index.html',
      '/ct',
      '/ct/',
      '/ct/u/',
      '/u',
      '/ws',
      '/upload',
      '/assets/index.js',
      '/u/../index.html',
    ]) {
      expect((await request(port, 'GET', p)).status, p).toBe(404);
      expect((await request(port, 'POST', p, { body: 'x', headers: FORM })).status, p).toBe(404);
    }
    const upgrade = await request(port, 'GET', '/ws', {
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
      },
    });
    expect(upgrade.status).toBe(404);
  });

  it('answers 429 with Retry-After once a client has used its burst, yet a valid one-click POST still gets through', async () => {
    let now = 1_000_000;
    const { harness, port } = await setUp({ limits: { client: { burst: 3, perSecond: 0.5 } }, now: () => now });
    const { raw } = await sendCampaign(harness, ['ada@example.test']);
    const path = linkPath(raw.get('ada@example.test')!);
    const [id, mac] = path.split('/').pop()!.split('-') as [string, string];
    const forged = `/ct/u/${id}-${mac.endsWith('0') ? `${mac.slice(0, -1)}1` : `${mac.slice(0, -1)}0`}`;
    // Someone (or everyone behind one proxy) spends the address's burst on other requests.
    for (const p of ['/nothing', forged, '/ct/u/zzzzzz-00000000000000000000']) {
      expect((await request(port, 'GET', p)).status).toBe(404);
    }
    const limited = await oneClick(port, forged);
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('2');
    expect((await request(port, 'GET', '/nothing')).status).toBe(429);
    // The recipient's own link is not charged to that address: it still works.
    expect((await request(port, 'GET', path)).status).toBe(200);
    expect((await oneClick(port, path)).status).toBe(200);
    expect(harness.engine.store.suppressions.has('ada@example.test')).toBe(true);
    // Two seconds later the client has a token again.
    now += 2_000;
    expect((await request(port, 'GET', '/nothing')).status).toBe(404);
  });

  it('a valid token has a budget of its own, and all valid tokens share one larger budget', async () => {
    const now = 1_000_000;
    const { harness, port } = await setUp({
      limits: { client: { burst: 1 }, token: { burst: 2, perSecond: 0.1 }, valid: { burst: 3, perSecond: 1 } },
      now: () => now,
    });
    const { raw } = await sendCampaign(harness, ['ada@example.test', 'bob@example.test', 'cy@example.test']);
    const [ada, bob, cy] = ['ada@example.test', 'bob@example.test', 'cy@example.test'].map((a) =>
      linkPath(raw.get(a)!),
    );
    expect((await request(port, 'GET', ada!)).status).toBe(200);
    expect((await request(port, 'GET', ada!.toUpperCase().replace('/CT/U/', '/ct/u/'))).status).toBe(200);
    // One recipient repeating their link spends their own budget, not everyone's.
    expect((await request(port, 'GET', ada!)).status).toBe(429);
    expect((await request(port, 'GET', bob!)).status).toBe(200);
    expect((await request(port, 'GET', cy!)).status).toBe(429);
  });

  it('trusts X-Forwarded-For only when told the proxy sets it', async () => {
    const limits = { client: { burst: 2, perSecond: 0.001 } };
    const now = () => 1_000_000;
    const spend = async (port: number, xff: string) =>
      (await request(port, 'GET', '/x', { headers: { 'X-Forwarded-For': xff } })).status;

    // By default the header is the client's own words: a fresh one per request gets no fresh bucket.
    const off = await setUp({ limits, now });
    expect([await spend(off.port, '198.51.100.1'), await spend(off.port, '198.51.100.2')]).toEqual([404, 404]);
    expect(await spend(off.port, '198.51.100.3')).toBe(429);
    await listener?.close();
    await h?.close();

    // Behind a proxy that sets it: each client its own bucket, IPv6 clients by their /64.
    const on = await setUp({ limits, now, trustProxy: true });
    expect([await spend(on.port, '203.0.113.7'), await spend(on.port, '203.0.113.7')]).toEqual([404, 404]);
    expect(await spend(on.port, '203.0.113.7')).toBe(429);
    // What the client wrote before the proxy's own entry does not count.
    expect(await spend(on.port, '192.0.2.99, 203.0.113.7')).toBe(429);
    expect(await spend(on.port, '203.0.113.8')).toBe(404);
    expect([await spend(on.port, '2001:db8:1:2::1'), await spend(on.port, '2001:db8:1:2::2')]).toEqual([404, 404]);
    expect(await spend(on.port, '2001:db8:1:2:ffff::9')).toBe(429);
    expect(await spend(on.port, '2001:db8:1:3::1')).toBe(404);
  });
});

describe('with the keychain locked', () => {
  it('answers 503 and asks the keychain again only once a minute, however many requests come', async () => {
    class LockedSecrets extends MemorySecrets {
      reads = 0;
      override async get(key: string): Promise<string | null> {
        this.reads++;
        throw new Error(`The keychain is locked (${key})`);
      }
    }
    const secrets = new LockedSecrets();
    h = await startEngine({ oneClick: { baseUrl: BASE }, secrets });
    listener = await startUnsubscribeListener({
      host: '127.0.0.1',
      port: 0,
      basePath: '/ct',
      unsubscribe: h.engine.unsubscribe,
      log: silentLogger,
    });
    const path = '/ct/u/1-0123456789abcdef0123';
    for (let i = 0; i < 10; i++) {
      const r = i % 2 ? await oneClick(listener.port, path) : await request(listener.port, 'GET', path);
      expect(r.status).toBe(503);
      expect(r.headers['retry-after']).toBe('300');
    }
    expect(secrets.reads).toBe(1);
    (h.clock as ManualClock).advance(59_000);
    expect((await oneClick(listener.port, path)).status).toBe(503);
    expect(secrets.reads).toBe(1);
    (h.clock as ManualClock).advance(1_000);
    expect((await oneClick(listener.port, path)).status).toBe(503);
    expect(secrets.reads).toBe(2);
  });
});

describe('without the one-click endpoint', () => {
  it('a message carries the mailto only, and no List-Unsubscribe-Post', async () => {
    h = await startEngine();
    const { raw } = await sendCampaign(h, ['ada@example.test']);
    const msg = raw.get('ada@example.test')!;
    expect(headerOf(msg, 'List-Unsubscribe')).toMatch(/^<mailto:[^>]+\?subject=unsubscribe%20[0-9a-z]+-[0-9a-f]{20}>$/);
    expect(headerOf(msg, 'List-Unsubscribe-Post')).toBeNull();
    expect((await h.call('app.info', {})).oneClick).toEqual({ status: 'off' });
  });

  it('the desktop app reports it as unavailable: it has no public address', async () => {
    const ctx = testContext(tmpDir());
    const info = await appHandlers(ctx, { version: '1.0.0', host: 'electron' })['app.info']({});
    ctx.store.close();
    ctx.hub.close();
    expect(info.oneClick).toEqual({ status: 'unavailable' });
  });
});

function recipientId(harness: Harness, campaignId: number, address: string): number {
  const row = harness
    .sql()
    .prepare('SELECT id FROM recipients WHERE campaign_id = ? AND address = ?')
    .get(campaignId, address);
  return (row as { id: number }).id;
}
