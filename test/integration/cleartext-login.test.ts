// A password never goes over an unencrypted connection to another machine: such an account is
// refused when it is added or changed, and a stored one stops with the reason instead of logging in.
import { afterEach, describe, expect, it } from 'vitest';
import { createSmtpTransport } from '../../main/engine/transports/smtp';
import type { TransportError } from '../../main/engine/transports/transport';
import type { RequestInput, RequestName } from '../../shared/contract';
import { type Harness, startEngine } from '../helpers/engine-harness';
import type { MemorySecrets } from '../helpers/memory-secrets';

let h: Harness;
afterEach(async () => h?.close());

async function refused<N extends RequestName>(name: N, input: RequestInput<N>) {
  const r = await h.dispatch(name, input);
  if (r.ok) throw new Error(`${name} should have been refused`);
  return r.error;
}

const smtp = (over: Partial<RequestInput<'accounts.addSmtp'>['smtp']> = {}) => ({
  host: 'smtp.example.com',
  port: 587,
  security: 'starttls' as const,
  username: 'me@example.com',
  ...over,
});

describe('no password in cleartext', () => {
  const account = (over: Partial<RequestInput<'accounts.addSmtp'>['smtp']>) => ({
    label: 'Relay',
    fromName: 'Ann',
    fromAddress: 'ann@example.com',
    smtp: smtp(over),
    password: 'relay-password',
    verify: false,
  });

  it('refuses a login over an unencrypted connection to another machine', async () => {
    h = await startEngine();
    for (const host of ['smtp.example.com', '192.0.2.10', 'localhost.example.com']) {
      const e = await refused('accounts.addSmtp', account({ host, security: 'none' }));
      expect(e.code).toBe('invalid_input');
      expect(e.message).toMatch(/unencrypted.*STARTTLS or TLS/);
    }
    expect((h.secrets as MemorySecrets).values()).toEqual([]);
    expect((await h.call('accounts.list', {})).filter((a) => a.kind === 'smtp')).toEqual([]);
  });

  it('allows it to a server on this machine, and without a login anywhere', async () => {
    h = await startEngine();
    for (const host of ['127.0.0.1', 'localhost', '::1', '127.0.0.53']) {
      await h.call('accounts.addSmtp', account({ host, security: 'none' }));
    }
    await h.call('accounts.addSmtp', { ...account({ security: 'none', username: null }), password: null });
  });

  it('refuses switching an account with a login to an unencrypted connection', async () => {
    h = await startEngine();
    const a = await h.call('accounts.addSmtp', account({}));
    const e = await refused('accounts.update', { id: a.id, smtp: { security: 'none' } });
    expect(e.message).toMatch(/unencrypted/);
    expect(h.engine.store.accounts.get(a.id)!).toMatchObject({ smtp: { security: 'starttls' } });
  });
});

describe('a stored account with a cleartext login', () => {
  it('refuses to log in and says why, without opening a connection', async () => {
    const t = createSmtpTransport(
      { host: '192.0.2.10', port: 25, security: 'none', username: 'me', timeoutMs: 1_000 },
      'relay-password',
    );
    const err = (await t.verify().then(
      () => null,
      (e: unknown) => e,
    )) as TransportError;
    expect(err.failure).toMatchObject({ source: 'config' });
    expect(JSON.stringify(err.failure)).toMatch(/unencrypted/);
    await expect(t.send({} as never)).rejects.toMatchObject({ failure: { source: 'config' } });
  });
});
