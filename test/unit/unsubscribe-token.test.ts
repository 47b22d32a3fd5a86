import { describe, expect, it } from 'vitest';
import { tokenKeyLoader, UNSUBSCRIBE_KEY } from '../../main/engine/feedback/token-key';
import { silentLogger } from '../../main/engine/log';
import {
  findUnsubscribeToken,
  isTokenShaped,
  listUnsubscribe,
  mailtoUri,
  parseOneClickBase,
  plusTagged,
  tokenRecipientId,
  unsubscribeHeaders,
  unsubscribeToken,
  verifyUnsubscribeToken,
} from '../../main/engine/messages/unsubscribe';
import { plusAddressing } from '../../main/engine/transports/presets';
import { MemorySecrets } from '../helpers/memory-secrets';

const KEY = Buffer.alloc(32, 7);

describe('unsubscribe tokens', () => {
  it('binds recipient id and address, and rejects anything else', () => {
    const t = unsubscribeToken(KEY, 42, 'bob@example.org');
    expect(t).toMatch(/^16-[0-9a-f]{20}$/);
    expect(tokenRecipientId(t)).toBe(42);
    expect(verifyUnsubscribeToken(KEY, t, 42, 'bob@example.org')).toBe(true);
    expect(verifyUnsubscribeToken(KEY, t.toUpperCase(), 42, 'bob@example.org')).toBe(true);
    expect(verifyUnsubscribeToken(KEY, t, 42, 'mallory@example.org')).toBe(false);
    expect(verifyUnsubscribeToken(KEY, t, 43, 'bob@example.org')).toBe(false);
    expect(verifyUnsubscribeToken(Buffer.alloc(32, 8), t, 42, 'bob@example.org')).toBe(false);
    expect(verifyUnsubscribeToken(KEY, `${t.slice(0, -1)}0`, 42, 'bob@example.org')).toBe(t.endsWith('0'));
    expect(tokenRecipientId('16-xyz')).toBeNull();
  });

  it('a token naming no possible recipient id is not token-shaped and verifies for nobody', () => {
    const mac = unsubscribeToken(KEY, 42, 'bob@example.org').split('-')[1]!;
    for (const t of [`0-${mac}`, `zzzzzzzzzzz-${mac}`]) {
      expect(tokenRecipientId(t)).toBeNull();
      expect(isTokenShaped(t)).toBe(false);
      expect(verifyUnsubscribeToken(KEY, t, null, '')).toBe(false);
    }
    expect(isTokenShaped(`16-${mac}`)).toBe(true);
  });

  it('rides in a plus-addressed mailto only for the sending mailbox where plus addressing works', () => {
    const token = { value: unsubscribeToken(KEY, 42, 'bob@example.org'), plus: true };
    const base = { fromAddress: 'ana@example.com', urlTemplate: null, vars: {} };
    expect(listUnsubscribe({ ...base, mailto: null, token })).toEqual({
      mailto: `ana+unsub-${token.value}@example.com`,
      url: null,
      token: token.value,
    });
    // Another mailbox than the sender's is not read by the app: no tag there, the subject still has it.
    expect(listUnsubscribe({ ...base, mailto: 'optout@example.com', token }).mailto).toBe('optout@example.com');
    expect(listUnsubscribe({ ...base, mailto: null, token: { ...token, plus: false } }).mailto).toBe('ana@example.com');
    expect(listUnsubscribe({ ...base, mailto: null, token: null })).toEqual({ mailto: 'ana@example.com', url: null });
  });

  it('puts the token in the mailto subject, and finds it again in address or subject', () => {
    const t = unsubscribeToken(KEY, 42, 'bob@example.org');
    expect(mailtoUri(plusTagged('ana@example.com', t), t)).toBe(
      `mailto:ana+unsub-${t}@example.com?subject=unsubscribe%20${t}`,
    );
    expect(unsubscribeHeaders({ mailto: 'ana@example.com', url: null, token: t })).toEqual([
      ['List-Unsubscribe', `<mailto:ana@example.com?subject=unsubscribe%20${t}>`],
    ]);
    // A malformed token never reaches a header.
    expect(unsubscribeHeaders({ mailto: 'ana@example.com', url: null, token: 'x>\r\nBcc: e@x' })).toEqual([
      ['List-Unsubscribe', '<mailto:ana@example.com?subject=unsubscribe>'],
    ]);
    expect(findUnsubscribeToken([`ana+unsub-${t}@example.com`], 'whatever')).toBe(t);
    expect(findUnsubscribeToken(['ana@example.com'], `Unsubscribe ${t.toUpperCase()}`)).toBe(t);
    expect(findUnsubscribeToken(['ana@example.com'], 'unsubscribe')).toBeNull();
  });

  it("carries the one-click link only with a token, and the campaign's own URL wins over it", () => {
    const token = { value: unsubscribeToken(KEY, 42, 'bob@example.org'), plus: false };
    const base = { mailto: null, fromAddress: 'ana@example.com', vars: { email: 'bob@example.org' } };
    const oneClickBase = 'https://u.example.com/ct';
    expect(listUnsubscribe({ ...base, urlTemplate: null, token, oneClickBase }).url).toBe(
      `https://u.example.com/ct/u/${token.value}`,
    );
    expect(listUnsubscribe({ ...base, urlTemplate: null, token: null, oneClickBase }).url).toBeNull();
    expect(
      listUnsubscribe({ ...base, urlTemplate: 'https://own.example/u?e={{email}}', token, oneClickBase }).url,
    ).toBe('https://own.example/u?e=bob%40example.org');
    const headers = unsubscribeHeaders(listUnsubscribe({ ...base, urlTemplate: null, token, oneClickBase }));
    expect(headers).toEqual([
      [
        'List-Unsubscribe',
        `<mailto:ana@example.com?subject=unsubscribe%20${token.value}>, <https://u.example.com/ct/u/${token.value}>`,
      ],
      ['List-Unsubscribe-Post', 'List-Unsubscribe=One-Click'],
    ]);
  });

  it.each([
    ['https://u.example.com', 'https://u.example.com'],
    ['https://U.Example.com/ct/', 'https://u.example.com/ct'],
    [' https://u.example.com:8443/a/b// ', 'https://u.example.com:8443/a/b'],
    ['https://bücher.example/x', 'https://xn--bcher-kva.example/x'],
  ])('parseOneClickBase(%j) = %s', (input, expected) => {
    expect(parseOneClickBase(input)).toBe(expected);
  });

  it.each([
    ['http://u.example.com', /must start with https/],
    ['ftp://u.example.com', /must start with https/],
    ['https://u.example.com/?a=1', /no login, query or fragment/],
    ['https://u.example.com/#x', /no login, query or fragment/],
    ['https://a:b@u.example.com', /no login, query or fragment/],
    ['u.example.com', /is not a URL/],
  ])('parseOneClickBase refuses %j', (input, message) => {
    expect(() => parseOneClickBase(input)).toThrow(message);
  });

  it('plus addressing by provider', () => {
    expect(plusAddressing({ kind: 'gmail' })).toBe(true);
    expect(plusAddressing({ kind: 'smtp', preset: 'fastmail' })).toBe(true);
    expect(plusAddressing({ kind: 'smtp', preset: 'ses' })).toBe(false);
    expect(plusAddressing({ kind: 'smtp', preset: 'custom' })).toBe(false);
  });
});

describe('token key', () => {
  it('is created once in the keychain and reused', async () => {
    const secrets = new MemorySecrets();
    const a = await tokenKeyLoader(secrets, silentLogger)();
    expect(a?.length).toBe(32);
    expect(await secrets.get(UNSUBSCRIBE_KEY)).toBe(a!.toString('hex'));
    const b = await tokenKeyLoader(secrets, silentLogger)();
    expect(b!.equals(a!)).toBe(true);
  });

  it('while the keychain is out: one warning, one ask a minute, and tokens again once it is back', async () => {
    let locked = true;
    let asks = 0;
    class LockedSecrets extends MemorySecrets {
      override async get(key: string) {
        asks++;
        if (locked) throw new Error('The keychain is locked.');
        return super.get(key);
      }
    }
    const warnings: string[] = [];
    const infos: string[] = [];
    const log = { ...silentLogger, warn: (m: string) => warnings.push(m), info: (m: string) => infos.push(m) };
    let t = 0;
    const load = tokenKeyLoader(new LockedSecrets(), log, () => t);
    for (let i = 0; i < 50; i++) expect(await load()).toBeNull();
    expect(asks).toBe(1);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/Unsubscribe tokens are off .*keychain is locked/);

    t = 59_999;
    expect(await load()).toBeNull();
    expect(asks).toBe(1);
    t = 60_000;
    expect(await load()).toBeNull();
    expect(asks).toBe(2);
    expect(warnings).toHaveLength(1);

    locked = false;
    t = 120_000;
    expect((await load())?.length).toBe(32);
    expect(infos).toEqual(['Unsubscribe tokens are on again: the keychain can be read.']);
  });
});
