// What every screen talks to: the contract's requests and events, whichever transport carries them.
import type {
  EventName,
  EventPayloads,
  RequestInput,
  RequestName,
  RequestOutput,
  UploadedFile,
} from '../../../shared/contract';
import type { Result } from '../../../shared/result';

/** `stale_token`: the server restarted with a new token; only the new address it printed helps. */
export type ConnectionState = 'connecting' | 'open' | 'lost' | 'no_token' | 'stale_token';

export interface Client {
  call<N extends RequestName>(name: N, input: RequestInput<N>): Promise<Result<RequestOutput<N>>>;
  on<E extends EventName>(event: E, cb: (p: EventPayloads[E]) => void): () => void;
  /**
   * Hands a file the user dropped or picked to the main process and returns its id for a
   * `{ fileId }` source: over IPC the shell resolves the dropped file itself, over the headless
   * server the body goes up by HTTP POST. The page never names a path.
   */
  upload(file: File): Promise<Result<UploadedFile>>;
  /** Transport health; IPC is always open. */
  onConnection(cb: (state: ConnectionState) => void): () => void;
}
