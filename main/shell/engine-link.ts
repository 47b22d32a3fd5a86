// The shell's one way into the engine: contract requests through the dispatcher (validated like
// the window's), and the engine's events. The tray, notifications and power guard get only this.
import type { EventName, EventPayloads, RequestInput, RequestName, RequestOutput } from '../../shared/contract';
import type { Result } from '../../shared/result';
import type { Dispatch } from '../rpc/dispatch';

export type Call = <N extends RequestName>(name: N, input: RequestInput<N>) => Promise<Result<RequestOutput<N>>>;
export type EventListener = <E extends EventName>(event: E, payload: EventPayloads[E]) => void;

export interface EngineLink {
  call: Call;
  subscribe(listener: EventListener): () => void;
}

export function engineLink(dispatch: Dispatch, events: { subscribe(listener: EventListener): () => void }): EngineLink {
  return {
    call: (name, input) => dispatch(name, input) as never,
    subscribe: (listener) => events.subscribe(listener),
  };
}
