import type { Client } from './client';
import { createIpcClient } from './ipc-client';
import { createWsClient } from './ws-client';

export type { Client, ConnectionState } from './client';

/** Inside Electron the preload API is present; in a browser the headless server is. */
export function pickClient(): Client {
  return window.campaignTray ? createIpcClient(window.campaignTray) : createWsClient(window.location);
}
