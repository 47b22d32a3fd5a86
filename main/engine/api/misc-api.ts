import fs from 'node:fs/promises';
import path from 'node:path';
import type { EngineContext, EngineHost } from '../context';
import { AppError, notFound } from '../errors';
import { accountUsage } from '../sender/progress';
import type { Sender } from '../sender/sender';
import { outboxDir } from '../transports/registry';
import type { Handlers } from './handlers';

export const APP_NAME = 'Campaign Tray';

export function miscHandlers(
  ctx: EngineContext,
  deps: { sender: () => Sender; version: string; host: EngineHost },
): Pick<Handlers, 'app.info' | 'accounts.usage' | 'activity.list' | 'outbox.list' | 'outbox.read'> {
  const { store } = ctx;
  return {
    'app.info': async () => {
      const reason = await ctx.secrets.unavailableReason();
      return {
        name: APP_NAME,
        version: deps.version,
        transport: deps.host,
        dataDir: ctx.dataDir,
        keychain: { available: reason === null, message: reason },
      };
    },
    'accounts.usage': () => store.accounts.list().map((a) => accountUsage(ctx, deps.sender(), a)),
    'activity.list': ({ campaignId, limit }) => store.activity.list(campaignId, limit),
    'outbox.list': ({ campaignId, offset, limit }) =>
      store.outbox.list(campaignId === undefined ? { offset, limit } : { campaignId, offset, limit }),
    'outbox.read': async ({ id }) => {
      const item = store.outbox.get(id);
      if (!item) throw notFound('The message');
      // Only files inside the outbox folder are ever read back.
      const root = path.resolve(outboxDir(ctx.dataDir));
      const file = path.resolve(item.path);
      if (!file.startsWith(root + path.sep)) throw new AppError('forbidden', 'That message is outside the outbox.');
      try {
        return { item, raw: await fs.readFile(file, 'utf8') };
      } catch {
        throw notFound('The message file (it may have been deleted from the outbox folder)');
      }
    },
  };
}
