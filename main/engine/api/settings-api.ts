// The app's preferences: notifications, start at login, the defaults new accounts and campaigns
// start from, and when feedback suppresses an address or pauses a campaign. Stored by settings.ts; every change is pushed as `settings.changed`.
import type { AppSettings } from '../../../shared/contract';
import type { EngineContext } from '../context';
import { AppError } from '../errors';
import { readSettings, writeSettings } from '../settings';
import { mergeLimits } from './accounts-api';
import type { Handlers } from './handlers';

type SettingsHandlerNames = 'settings.get' | 'settings.update';

export function settingsHandlers(ctx: EngineContext): Pick<Handlers, SettingsHandlerNames> {
  const { store } = ctx;
  const current = (): AppSettings => ({ ...readSettings(store), dataDir: ctx.dataDir });

  return {
    'settings.get': () => current(),

    'settings.update': (patch) => {
      const before = readSettings(store);
      const next = { ...before };
      if (patch.notifications !== undefined) next.notifications = patch.notifications;
      if (patch.startAtLogin !== undefined) next.startAtLogin = patch.startAtLogin;
      if (patch.firstRunDismissed !== undefined) next.firstRunDismissed = patch.firstRunDismissed;
      if (patch.feedback) {
        const given = Object.fromEntries(Object.entries(patch.feedback).filter(([, v]) => v !== undefined));
        next.feedback = { ...before.feedback, ...given };
      }
      // The same checks an account's own limits get (a custom server has no provider ceiling).
      if (patch.defaultLimits)
        next.defaultLimits = mergeLimits(before.defaultLimits, patch.defaultLimits, {
          kind: 'smtp',
          fromAddress: '',
          preset: 'custom',
        });
      if (patch.defaultRetry) {
        if (patch.defaultRetry.baseDelayMs > patch.defaultRetry.maxDelayMs) {
          throw new AppError('invalid_input', 'The first retry delay must not be longer than the longest delay.');
        }
        next.defaultRetry = patch.defaultRetry;
      }
      writeSettings(store, next);
      const value = current();
      ctx.hub.emit('settings.changed', value);
      return value;
    },
  };
}
