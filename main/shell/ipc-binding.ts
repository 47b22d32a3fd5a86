// Binds the contract to Electron IPC: one ipcMain.handle per request name, each behind the same
// guard (the sender frame must be the app's own page), then the shared dispatcher (which
// validates the input against the contract). Events go out on one channel per event name.
import { EVENT_NAMES, REQUEST_NAMES } from '../../shared/channels';
import type { EventName, EventPayloads } from '../../shared/contract';
import type { Result } from '../../shared/result';
import type { EventHub } from '../engine/events/hub';
import type { Dispatch } from '../rpc/dispatch';

/** The part of Electron's IpcMainInvokeEvent the guard reads (a fake in tests). */
export interface IpcEventLike {
  senderFrame: { url: string } | null;
}
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

export const EVENT_CHANNEL_PREFIX = 'event:';

export const forbidden: Result<never> = {
  ok: false,
  error: { code: 'forbidden', message: 'This request did not come from Campaign Tray’s own window.' },
};

export function bindIpc(ipcMain: IpcMainLike, dispatch: Dispatch, isTrusted: (e: IpcEventLike) => boolean): () => void {
  for (const name of REQUEST_NAMES) {
    ipcMain.handle(name, (event, input) => (isTrusted(event) ? dispatch(name, input) : forbidden));
  }
  return () => {
    for (const name of REQUEST_NAMES) ipcMain.removeHandler(name);
  };
}

/** Trusted = the frame shows the app's own page (app://campaign-tray/index.html, or the dev server). */
export function isTrustedFrameUrl(frameUrl: string | undefined, allowedOrigins: readonly string[], pageUrl: string) {
  if (!frameUrl) return false;
  let u: URL;
  try {
    u = new URL(frameUrl);
  } catch {
    return false;
  }
  // The app's scheme is not special to the URL parser (its origin reads "null"): compare the page itself.
  if (u.protocol === 'app:' || u.protocol === 'file:') return u.href.split(/[?#]/)[0] === pageUrl;
  return allowedOrigins.includes(u.origin);
}

/** Pushes hub events to one window. */
export function forwardEvents(hub: EventHub, send: (channel: string, payload: unknown) => void): () => void {
  const allowed = new Set<string>(EVENT_NAMES);
  return hub.subscribe(<E extends EventName>(event: E, payload: EventPayloads[E]) => {
    if (allowed.has(event)) send(`${EVENT_CHANNEL_PREFIX}${event}`, payload);
  });
}
