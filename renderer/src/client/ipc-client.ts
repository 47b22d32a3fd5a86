// The Electron transport: the preload exposes one method per request and an event subscription.
import type { Api, EventName, EventPayloads } from '../../../shared/contract';
import type { Client } from './client';

export type PreloadApi = Api & {
  on<E extends EventName>(event: E, cb: (payload: EventPayloads[E]) => void): () => void;
};

declare global {
  interface Window {
    campaignTray?: PreloadApi;
  }
}

export function createIpcClient(api: PreloadApi): Client {
  return {
    call(name, input) {
      const method = api[name] as (input: unknown) => ReturnType<(typeof api)[typeof name]>;
      return method(input);
    },
    on(event, cb) {
      return api.on(event, cb);
    },
    onConnection(cb) {
      cb('open');
      return () => {};
    },
  };
}
