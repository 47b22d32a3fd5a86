// The Electron transport: the preload exposes one method per request and an event subscription.
import type { CampaignTrayBridge } from '../../../shared/bridge';
import type { Client } from './client';

declare global {
  interface Window {
    /** BRIDGE_GLOBAL in shared/bridge.ts. */
    campaignTray?: CampaignTrayBridge;
  }
}

export function createIpcClient(api: CampaignTrayBridge): Client {
  return {
    call(name, input) {
      const method = api[name] as (input: unknown) => ReturnType<(typeof api)[typeof name]>;
      return method(input);
    },
    on(event, cb) {
      return api.on(event, cb);
    },
    upload(file) {
      return api.files.fromFile(file);
    },
    onConnection(cb) {
      cb('open');
      return () => {};
    },
  };
}
