// The sandboxed preload: the page's only door to the main process. It exposes one method per
// request name from the fixed list and `on` for the fixed event names, so the page can neither
// pick an arbitrary channel nor reach ipcRenderer or the IPC event object.
// Bundled to CommonJS (dist/preload/preload.cjs): a sandboxed preload may require only 'electron'.
import { contextBridge, type IpcRendererEvent, ipcRenderer, webUtils } from 'electron';
import { BRIDGE_GLOBAL, type CampaignTrayBridge, FILE_CHANNELS, FILE_PICK_KINDS } from '../../shared/bridge';
import { EVENT_NAMES, REQUEST_NAMES } from '../../shared/channels';
import { EVENT_CHANNEL_PREFIX } from './ipc-binding';

const api: Record<string, unknown> = {};
for (const name of REQUEST_NAMES) {
  api[name] = (input: unknown) => ipcRenderer.invoke(name, input ?? {});
}

// Files: the page hands over a File it got from a drop or a file input, never a path. Only here,
// outside the page's world, does the File become the path the shell registers (a File the page
// made itself has none), and the dialog is the shell's own.
const pickKinds = new Set<string>(FILE_PICK_KINDS);
api.files = {
  fromFile: (file: unknown) => {
    if (!(file instanceof File)) throw new TypeError('campaignTray.files.fromFile(file) needs a File.');
    return ipcRenderer.invoke(FILE_CHANNELS.dropped, webUtils.getPathForFile(file));
  },
  pick: (kind: unknown) => {
    if (typeof kind !== 'string' || !pickKinds.has(kind)) {
      throw new Error(`Unknown file kind "${String(kind)}". Known kinds: ${FILE_PICK_KINDS.join(', ')}.`);
    }
    return ipcRenderer.invoke(FILE_CHANNELS.pick, kind);
  },
};

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
