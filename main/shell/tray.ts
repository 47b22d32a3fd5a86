// The tray icon and its menu: what is sending, pause/resume, accounts that need reconnecting, quit.
// The menu reads the store by intent and acts through the dispatcher, like the window does.
import path from 'node:path';
import { Menu, type MenuItemConstructorOptions, nativeImage, Tray } from 'electron';
import type { EventName } from '../../shared/contract';
import type { StateCounts } from '../../shared/domain';
import type { EventHub } from '../engine/events/hub';
import type { Logger } from '../engine/log';
import type { Store } from '../engine/store';
import type { Dispatch } from '../rpc/dispatch';
import type { ShellView } from './window';

export interface TrayOptions {
  iconDir: string;
  store: Store;
  hub: EventHub;
  dispatch: Dispatch;
  open(view?: ShellView): void;
  quit(): void;
  log: Logger;
  /** The menu is rebuilt at most this often while progress events stream in. */
  refreshMs?: number;
}

export interface AppTray {
  destroy(): void;
}

/** Events after which the menu may be stale. */
const STALE_AFTER: ReadonlySet<EventName> = new Set<EventName>([
  'campaign.progress',
  'campaigns.changed',
  'accounts.changed',
  'account.needsReauth',
]);
const MAX_STATUS_LINES = 5;

interface SendingLine {
  name: string;
  sent: number;
  total: number;
}

function trayIcon(iconDir: string) {
  // macOS draws "…Template" images in the menu bar's own colour; @2x is picked up automatically.
  const file = process.platform === 'darwin' ? 'trayTemplate.png' : 'tray.png';
  return nativeImage.createFromPath(path.join(iconDir, file));
}

function shorten(text: string, max = 40): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function sentOfTotal(c: StateCounts): { sent: number; total: number } {
  const total = c.queued + c.sending + c.sent + c.failed + c.skipped + c.uncertain;
  return { sent: c.sent, total };
}

export function createTray(opts: TrayOptions): AppTray {
  const refreshMs = opts.refreshMs ?? 3_000;
  const tray = new Tray(trayIcon(opts.iconDir));
  /** Campaigns this menu paused, so "Resume" brings back exactly those and not ones the user paused. */
  const pausedHere = new Set<number>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  let lastBuilt = 0;
  let busy = false;

  const sendingLines = (): SendingLine[] =>
    opts.store.campaigns
      .listSending()
      .map((c) => ({ name: c.name, ...sentOfTotal(opts.store.recipients.counts(c.id)) }));

  const stillPausedHere = (): number[] =>
    [...pausedHere].filter((id) => opts.store.campaigns.get(id)?.status === 'paused');

  async function pauseAll() {
    busy = true;
    try {
      for (const c of opts.store.campaigns.listSending()) {
        const r = await opts.dispatch('campaigns.pause', { id: c.id });
        if (r.ok) pausedHere.add(c.id);
        else opts.log.warn(`the tray could not pause campaign ${c.id}: ${r.error.message}`);
      }
    } finally {
      busy = false;
      refresh();
    }
  }

  async function resumeAll() {
    busy = true;
    try {
      for (const id of stillPausedHere()) {
        const r = await opts.dispatch('campaigns.resume', { id });
        if (!r.ok) opts.log.warn(`the tray could not resume campaign ${id}: ${r.error.message}`);
      }
      pausedHere.clear();
    } finally {
      busy = false;
      refresh();
    }
  }

  function menuTemplate(): MenuItemConstructorOptions[] {
    const sending = sendingLines();
    const resumable = stillPausedHere();
    const reauth = opts.store.accounts.list().filter((a) => a.status === 'needs_reauth');
    const items: MenuItemConstructorOptions[] = [
      { label: 'Open Campaign Tray', click: () => opts.open() },
      { type: 'separator' },
    ];
    if (sending.length === 0) items.push({ label: 'Nothing is sending', enabled: false });
    for (const s of sending.slice(0, MAX_STATUS_LINES)) {
      items.push({ label: `${shorten(s.name)}: ${s.sent} of ${s.total} sent`, enabled: false });
    }
    if (sending.length > MAX_STATUS_LINES) {
      items.push({ label: `and ${sending.length - MAX_STATUS_LINES} more sending`, enabled: false });
    }
    items.push({ type: 'separator' });
    if (sending.length === 0 && resumable.length > 0) {
      const label = resumable.length === 1 ? 'Resume sending' : `Resume sending (${resumable.length} campaigns)`;
      items.push({ label, enabled: !busy, click: () => void resumeAll() });
    } else {
      items.push({ label: 'Pause all sending', enabled: !busy && sending.length > 0, click: () => void pauseAll() });
    }
    if (reauth.length > 0) {
      items.push({ type: 'separator' });
      for (const a of reauth) {
        items.push({ label: `Reconnect ${shorten(a.label)}`, click: () => opts.open('accounts') });
      }
    }
    items.push({ type: 'separator' }, { label: 'Quit Campaign Tray', click: () => opts.quit() });
    return items;
  }

  function refresh() {
    if (tray.isDestroyed()) return;
    lastBuilt = Date.now();
    try {
      tray.setContextMenu(Menu.buildFromTemplate(menuTemplate()));
      const n = opts.store.campaigns.listSending().length;
      tray.setToolTip(n === 0 ? 'Campaign Tray' : `Campaign Tray: sending ${n} campaign${n === 1 ? '' : 's'}`);
    } catch (err) {
      // A closed database during shutdown must not take the tray down with an exception.
      opts.log.warn('the tray menu could not be refreshed', err);
    }
  }

  /** Coalesces bursts of events into one rebuild at most every refreshMs. */
  function scheduleRefresh() {
    if (timer) return;
    const wait = Math.max(0, lastBuilt + refreshMs - Date.now());
    timer = setTimeout(() => {
      timer = null;
      refresh();
    }, wait);
  }

  const unsubscribe = opts.hub.subscribe((event) => {
    if (STALE_AFTER.has(event)) scheduleRefresh();
  });
  // Windows and most Linux panels: a click opens the window; macOS shows the menu instead.
  if (process.platform !== 'darwin') tray.on('click', () => opts.open());
  refresh();

  return {
    destroy() {
      unsubscribe();
      if (timer) clearTimeout(timer);
      timer = null;
      if (!tray.isDestroyed()) tray.destroy();
    },
  };
}
