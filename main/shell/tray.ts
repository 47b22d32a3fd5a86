// The tray icon's menu: what is sending, pause/resume, accounts that need reconnecting, quit.
// It reads the shell's model (contract requests and events) and acts through the contract, as the
// window does. Electron's Tray and Menu come in behind TrayUi, so the menu is tested under Node.
import type { StateCounts } from '../../shared/domain';
import type { Clock } from '../engine/clock';
import type { EngineLink } from './engine-link';
import type { ShellModel } from './model';
import type { ShellView } from './window';

/** One menu entry; the same shape as Electron's MenuItemConstructorOptions for the fields used. */
export type TrayMenuItem =
  | { type: 'separator' }
  | { type?: 'normal'; label: string; enabled?: boolean; click?: () => void };

/** The Electron tray as the menu logic needs it (electron-ui.ts adapts the real one). */
export interface TrayUi {
  setMenu(items: TrayMenuItem[]): void;
  setToolTip(text: string): void;
  /** A click on the icon (Windows and most Linux panels; macOS shows the menu instead). */
  onClick(listener: () => void): void;
  destroy(): void;
}

export interface TrayLog {
  warn(message: string, detail?: unknown): void;
}

export interface TrayOptions {
  ui: TrayUi;
  model: ShellModel;
  link: EngineLink;
  clock: Clock;
  open(view?: ShellView): void;
  quit(): void;
  log: TrayLog;
  /** The menu is rebuilt at most this often while progress streams in. */
  refreshMs?: number;
}

export interface AppTray {
  /** Rebuilds the menu now (also what every change leads to, at most once per refreshMs). */
  refresh(): void;
  destroy(): void;
}

const MAX_STATUS_LINES = 5;

function shorten(text: string, max = 40): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

const total = (c: StateCounts) => c.queued + c.sending + c.sent + c.failed + c.skipped + c.uncertain;

export function createTray(opts: TrayOptions): AppTray {
  const { ui, model, link, clock, log } = opts;
  const refreshMs = opts.refreshMs ?? 3_000;
  /** Campaigns this menu paused, so "Resume" brings back exactly those and not ones the user paused. */
  const pausedHere = new Set<number>();
  let cancelTimer: (() => void) | null = null;
  let lastBuilt = Number.NEGATIVE_INFINITY;
  let busy = false;
  let destroyed = false;

  const stillPausedHere = () => [...pausedHere].filter((id) => model.campaigns.get(id)?.status === 'paused');

  async function pauseAll() {
    busy = true;
    refresh();
    try {
      for (const c of model.sending()) {
        const r = await link.call('campaigns.pause', { id: c.id });
        if (r.ok) pausedHere.add(c.id);
        else log.warn(`the tray could not pause campaign ${c.id}: ${r.error.message}`);
      }
    } finally {
      busy = false;
      refresh();
    }
  }

  async function resumeAll() {
    busy = true;
    refresh();
    try {
      for (const id of stillPausedHere()) {
        const r = await link.call('campaigns.resume', { id });
        if (!r.ok) log.warn(`the tray could not resume campaign ${id}: ${r.error.message}`);
      }
      pausedHere.clear();
    } finally {
      busy = false;
      refresh();
    }
  }

  function menu(): TrayMenuItem[] {
    const sending = model.sending();
    const resumable = stillPausedHere();
    const items: TrayMenuItem[] = [{ label: 'Open Campaign Tray', click: () => opts.open() }, { type: 'separator' }];
    if (sending.length === 0) items.push({ label: 'Nothing is sending', enabled: false });
    for (const c of sending.slice(0, MAX_STATUS_LINES)) {
      items.push({ label: `${shorten(c.name)}: ${c.counts.sent} of ${total(c.counts)} sent`, enabled: false });
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
    if (model.needsReauth.size > 0) {
      items.push({ type: 'separator' });
      for (const label of model.needsReauth.values()) {
        items.push({ label: `Reconnect ${shorten(label)}`, click: () => opts.open('accounts') });
      }
    }
    items.push({ type: 'separator' }, { label: 'Quit Campaign Tray', click: () => opts.quit() });
    return items;
  }

  function refresh() {
    if (destroyed) return;
    cancelTimer?.();
    cancelTimer = null;
    lastBuilt = clock.now();
    try {
      ui.setMenu(menu());
      const n = model.sending().length;
      ui.setToolTip(n === 0 ? 'Campaign Tray' : `Campaign Tray: sending ${n} campaign${n === 1 ? '' : 's'}`);
    } catch (err) {
      // A tray torn down during shutdown must not take the app down with an exception.
      log.warn('the tray menu could not be refreshed', err);
    }
  }

  /** Coalesces bursts of changes into one rebuild at most every refreshMs. */
  function scheduleRefresh() {
    if (cancelTimer || destroyed) return;
    cancelTimer = clock.setTimer(
      () => {
        cancelTimer = null;
        refresh();
      },
      Math.max(0, lastBuilt + refreshMs - clock.now()),
    );
  }

  const stopListening = model.onChange(scheduleRefresh);
  ui.onClick(() => opts.open());
  refresh();

  return {
    refresh,
    destroy() {
      destroyed = true;
      stopListening();
      cancelTimer?.();
      cancelTimer = null;
      ui.destroy();
    },
  };
}
