// System notifications for what the user must know while the window is hidden: a campaign that
// finished, a campaign the engine paused itself, an account that needs reconnecting or cannot send
// for a while. Each one answers one engine event; nothing is inferred from state. The user can turn
// them off in the settings (read at start, then followed through `settings.changed`).
import type { EventName, EventPayloads } from '../../shared/contract';
import type { Clock } from '../engine/clock';
import type { EngineLink } from './engine-link';
import type { ShellView } from './window';

/** Electron's Notification as this module needs it (electron-ui.ts adapts the real one). */
export interface NotifierUi {
  supported(): boolean;
  /** `gone` runs when the notification is clicked away or dismissed. */
  show(note: { title: string; body: string }, on: { click(): void; gone(): void }): { close(): void };
}

export interface NotificationOptions {
  ui: NotifierUi;
  link: EngineLink;
  clock: Clock;
  open(view?: ShellView): void;
  log: { info(message: string): void; warn(message: string, detail?: unknown): void };
}

/** What one event tells the user, or null when it is not worth interrupting them. */
export function noteFor<E extends EventName>(
  event: E,
  payload: EventPayloads[E],
): { title: string; body: string; view: ShellView } | null {
  switch (event) {
    case 'campaign.finished': {
      const p = payload as EventPayloads['campaign.finished'];
      const parts = [`${p.counts.sent} sent`];
      if (p.counts.failed) parts.push(`${p.counts.failed} failed`);
      if (p.counts.skipped) parts.push(`${p.counts.skipped} skipped`);
      return { title: `“${p.name}” finished`, body: parts.join(', '), view: 'campaigns' };
    }
    case 'campaign.status': {
      const p = payload as EventPayloads['campaign.status'];
      // The user's own pauses need no news; the engine's (breaker, unknown outcomes, no account) do.
      if (p.to !== 'paused' || p.cause === 'user') return null;
      return {
        title: `“${p.name}” was paused`,
        body: p.reason ?? 'Open the campaign to see why and resume it.',
        view: 'campaigns',
      };
    }
    case 'account.needsReauth': {
      const p = payload as EventPayloads['account.needsReauth'];
      return { title: `Reconnect ${p.label}`, body: p.message, view: 'accounts' };
    }
    case 'account.limited': {
      const p = payload as EventPayloads['account.limited'];
      // A throttle is a short cool-down the sender rides out; a spent quota or a locked keychain
      // stops the account for long enough that the user wants to know.
      if (p.cause === 'throttle') return null;
      return { title: `${p.label} cannot send for now`, body: p.message, view: 'accounts' };
    }
    default:
      return null;
  }
}

export function startNotifications(opts: NotificationOptions): () => void {
  const { ui, link, clock, log } = opts;
  if (!ui.supported()) {
    log.info('system notifications are not supported here; the tray menu still shows problems');
    return () => {};
  }
  // Shown notifications are kept referenced: a collected one loses its click handler.
  const shown = new Set<{ close(): void }>();
  /** accountId:cause → until, so several sends that hit one limit make one notification. */
  const limitedUntil = new Map<string, number>();
  let enabled = true;
  let told = false;
  void link.call('settings.get', {}).then((r) => {
    if (r.ok && !told) enabled = r.value.notifications;
  });

  const unsubscribe = link.subscribe((event, payload) => {
    if (event === 'settings.changed') {
      told = true;
      enabled = (payload as EventPayloads['settings.changed']).notifications;
      return;
    }
    if (!enabled) return;
    try {
      if (event === 'account.limited') {
        const p = payload as EventPayloads['account.limited'];
        const key = `${p.accountId}:${p.cause}`;
        const before = limitedUntil.get(key);
        if (before !== undefined && before > clock.now()) return;
        limitedUntil.set(key, p.until);
      }
      const note = noteFor(event, payload);
      if (!note) return;
      const n = ui.show(
        { title: note.title, body: note.body },
        { click: () => opts.open(note.view), gone: () => shown.delete(n) },
      );
      shown.add(n);
    } catch (err) {
      log.warn('a notification could not be shown', err);
    }
  });

  return () => {
    unsubscribe();
    for (const n of shown) n.close();
    shown.clear();
  };
}
