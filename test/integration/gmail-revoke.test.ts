// Removing a Gmail account ends the grant at Google first, then forgets the tokens.
import { afterEach, describe, expect, it } from 'vitest';
import { loadTokens } from '../../main/engine/gmail/tokens';
import { accountSecretKey } from '../../main/engine/secrets/secret-store';
import type { EventName } from '../../shared/contract';
import { type Harness, startEngine } from '../helpers/engine-harness';
import { FAKE_CLIENT_ID, FAKE_CLIENT_SECRET, type FakeGoogle, startFakeGoogle } from '../helpers/fake-google';

let h: Harness;
let fake: FakeGoogle;
afterEach(async () => {
  await h?.close();
  await fake?.close();
});

async function connected(): Promise<number> {
  fake = await startFakeGoogle({ email: 'team@gmail.com' });
  h = await startEngine({ google: fake.endpoints });
  const events: EventName[] = [];
  h.engine.hub.subscribe((event) => events.push(event));
  await h.call('gmail.setClient', { clientId: FAKE_CLIENT_ID, clientSecret: FAKE_CLIENT_SECRET });
  const { authUrl } = await h.call('gmail.connect', {});
  const atGoogle = await fetch(authUrl, { redirect: 'manual' });
  await fetch(atGoogle.headers.get('location')!);
  for (let i = 0; i < 500 && !events.includes('gmail.connect'); i++) await new Promise((r) => setTimeout(r, 10));
  return h.engine.store.accounts.findByAddress('gmail', 'team@gmail.com')!.id;
}

describe('removing a Gmail account', () => {
  it('revokes the refresh token at Google, then deletes the keychain entry', async () => {
    const id = await connected();
    const tokens = await loadTokens(h.secrets, id);
    expect(tokens).not.toBeNull();
    await h.call('accounts.remove', { id });
    expect(fake.state.revokeRequests).toHaveLength(1);
    expect(fake.state.revokeRequests[0]!.get('token')).toBe(tokens!.refreshToken);
    expect(fake.state.refreshTokens.has(tokens!.refreshToken)).toBe(false);
    expect(await h.secrets.get(accountSecretKey(id))).toBeNull();
    expect(h.engine.store.accounts.get(id)).toBeNull();
  });

  it('still removes the account when Google cannot be reached, and says where to revoke by hand', async () => {
    const id = await connected();
    await fake.close();
    await h.call('accounts.remove', { id });
    expect(await h.secrets.get(accountSecretKey(id))).toBeNull();
    const log = h.engine.store.activity.list(undefined, 10).map((a) => a.message);
    expect(log.some((m) => /myaccount\.google\.com\/permissions/.test(m))).toBe(true);
  });
});
