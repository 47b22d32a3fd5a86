// The renderer's Client over a real engine in this process: the same requests and events the
// transports carry, without a socket, for component tests of the renderer's data layer.
import type { Client, ConnectionState } from '../../renderer/src/client/client';
import type { EventName, EventPayloads } from '../../shared/contract';
import type { Harness } from './engine-harness';

export function engineClient(h: Pick<Harness, 'dispatch' | 'engine'>): Client & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    call(name, input) {
      calls.push(name);
      return h.dispatch(name, input) as never;
    },
    on<E extends EventName>(event: E, cb: (p: EventPayloads[E]) => void) {
      return h.engine.hub.subscribe((e: EventName, payload: unknown) => {
        if (e === event) cb(payload as EventPayloads[E]);
      });
    },
    onConnection(cb: (s: ConnectionState) => void) {
      cb('open');
      return () => {};
    },
  };
}
