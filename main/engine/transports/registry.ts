// Which transport serves which account kind, with the secrets it needs from the keychain. A new
// kind needs more than a case here: docs/architecture.md, "Adding a transport", lists every place.
import path from 'node:path';
import type { Account } from '../../../shared/domain';
import type { EngineContext } from '../context';
import type { GoogleEndpoints } from '../gmail/endpoints';
import { loadGoogleClient } from '../gmail/tokens';
import { accountSecretKey } from '../secrets/secret-store';
import { createGmailTransport } from './gmail';
import { createOutboxTransport } from './outbox';
import { createSmtpTransport } from './smtp';
import { type Transport, TransportError } from './transport';

export function outboxDir(dataDir: string): string {
  return path.join(dataDir, 'outbox');
}

export async function createTransport(
  ctx: EngineContext,
  account: Account,
  google: GoogleEndpoints,
): Promise<Transport> {
  switch (account.kind) {
    case 'outbox':
      return createOutboxTransport({ dir: outboxDir(ctx.dataDir), store: ctx.store, now: () => ctx.clock.now() });
    case 'smtp': {
      const password = account.smtp.username === null ? null : await ctx.secrets.get(accountSecretKey(account.id));
      if (account.smtp.username !== null && password === null) {
        throw new TransportError({
          source: 'config',
          message: `No password is stored for ${account.label}. Open the account and enter it again.`,
        });
      }
      // One connection per send the account may have in flight: a claimed message never waits
      // for a connection, so what is on the wire is exactly what was claimed.
      return createSmtpTransport(account.smtp, password, { maxConnections: account.limits.maxConcurrent });
    }
    case 'gmail': {
      const client = await loadGoogleClient(ctx.secrets);
      if (!client) {
        throw new TransportError({
          source: 'config',
          message: 'The Google OAuth client is missing. Add it under Settings → Gmail, then reconnect.',
        });
      }
      return createGmailTransport({
        client,
        accountId: account.id,
        secrets: ctx.secrets,
        endpoints: google,
        log: ctx.log,
      });
    }
  }
}

/**
 * A transport that finishes its sends before it closes: closing a pool under a send on the wire
 * would turn a delivered message into a "failed" one, and its retry into a duplicate.
 */
export class DrainingTransport implements Transport {
  private active = 0;
  private closing: (() => void) | null = null;
  private closed: Promise<void> | null = null;

  constructor(private inner: Transport) {}

  async send(message: Parameters<Transport['send']>[0]) {
    this.active++;
    try {
      return await this.inner.send(message);
    } finally {
      this.active--;
      if (this.active === 0) this.closing?.();
    }
  }

  verify() {
    return this.inner.verify();
  }

  close(): Promise<void> {
    this.closed ??= new Promise<void>((resolve) => {
      this.closing = resolve;
      if (this.active === 0) resolve();
    }).then(() => this.inner.close());
    return this.closed;
  }
}

/** One live transport per account (SMTP pools stay warm); replaced when the account changes. */
export class TransportCache {
  private live = new Map<number, Promise<Transport>>();

  constructor(
    private ctx: EngineContext,
    private google: GoogleEndpoints,
  ) {}

  get(account: Account): Promise<Transport> {
    let t = this.live.get(account.id);
    if (!t) {
      t = createTransport(this.ctx, account, this.google).then((inner) => new DrainingTransport(inner));
      // A failed construction (no password yet) must not stick: the next send tries again.
      t.catch(() => this.live.delete(account.id));
      this.live.set(account.id, t);
    }
    return t;
  }

  /** The next send gets a fresh transport; the old one closes once its sends have finished. */
  async invalidate(accountId: number): Promise<void> {
    const t = this.live.get(accountId);
    this.live.delete(accountId);
    if (t) await t.then((x) => x.close()).catch(() => {});
  }

  async closeAll(): Promise<void> {
    const all = [...this.live.keys()];
    await Promise.all(all.map((id) => this.invalidate(id)));
  }
}
