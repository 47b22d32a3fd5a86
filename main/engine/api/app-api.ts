// The app itself: its name and version, where it runs, its data folder, and whether the OS
// keychain can hold secrets here.
import type { EngineContext, EngineHost } from '../context';
import type { Handlers } from './handlers';

export const APP_NAME = 'Campaign Tray';

export function appHandlers(
  ctx: EngineContext,
  deps: { version: string; host: EngineHost },
): Pick<Handlers, 'app.info'> {
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
  };
}
