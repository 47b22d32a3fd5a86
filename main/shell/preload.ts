// The sandboxed preload: the page's only door to the main process. It exposes one method per
// request name from the fixed list and `on` for the fixed event names, so the page can neither
// pick an arbitrary channel nor reach ipcRenderer or the IPC event object.
// Bundled to CommonJS (dist/preload/preload.cjs): a sandboxed preload may require only 'electron'.
import { contextBridge, type IpcRendererEvent, ipcRenderer } from 'electron';
import { BRIDGE_GLOBAL, type CampaignTrayBridge } from '../../shared/bridge';
import { EVENT_NAMES, REQUEST_NAMES } from '../../shared/channels';
import { EVENT_CHANNEL_PREFIX } from './ipc-binding';

const api: Record<string, unknown> = {};
for (const name of REQUEST_NAMES) {
  api[name] = (input: unknown) => ipcRenderer.invoke(name, input ?? {});
}

const events = new Set<string>(EVENT_NAMES);
api.on = (event: unknown, callback: unknown) => {
  if (typeof event !== 'string' || !events.has(event)) {
    throw new Error(`Unknown event "${String(event)}". Known events: ${EVENT_NAMES.join(', ')}.`);
  }
  if (typeof callback !== 'function') throw new TypeError('campaignTray.on(event, callback) needs a function.');
  const channel = `${EVENT_CHANNEL_PREFIX}${event}`;
  // Only the payload crosses over: the event object would hand the page a route back into IPC.
  const listener = (_event: IpcRendererEvent, payload: unknown) => {
    callback(payload);
  };
  ipcRenderer.on(channel, listener);
  return () => {
    ipcRenderer.removeListener(channel, listener);
  };
};

contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, api as CampaignTrayBridge);
