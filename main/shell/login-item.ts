// "Start at login": the OS login item follows the user's setting, read at start and then from
// `settings.changed`. The app starts hidden in the tray when the OS launches it.
import type { EventPayloads } from '../../shared/contract';
import type { EngineLink } from './engine-link';

export interface LoginItemUi {
  /** app.setLoginItemSettings in Electron (electron.ts adapts it). */
  set(openAtLogin: boolean): void;
}

export function startLoginItem(opts: {
  ui: LoginItemUi;
  link: EngineLink;
  log: { warn(message: string, detail?: unknown): void };
}): () => void {
  let last: boolean | null = null;
  const apply = (open: boolean) => {
    if (open === last) return;
    last = open;
    try {
      opts.ui.set(open);
    } catch (err) {
      opts.log.warn('the login item could not be changed', err);
    }
  };
  let told = false;
  void opts.link.call('settings.get', {}).then((r) => {
    if (r.ok && !told) apply(r.value.startAtLogin);
  });
  return opts.link.subscribe((event, payload) => {
    if (event !== 'settings.changed') return;
    told = true;
    apply((payload as EventPayloads['settings.changed']).startAtLogin);
  });
}
