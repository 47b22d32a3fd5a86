// Transport-neutral request handling: look up the contract entry, validate the input, run the
// handler, and turn every outcome into a Result. Both bindings (IPC and WebSocket) call this.
import { type RequestName, requests } from '../../shared/contract';
import type { Result } from '../../shared/result';
import type { Handlers } from '../engine/api/handlers';
import { AppError } from '../engine/errors';

export interface DispatchLog {
  error(message: string, detail?: unknown): void;
}

export function isRequestName(name: unknown): name is RequestName {
  return typeof name === 'string' && Object.hasOwn(requests, name);
}

export function createDispatcher(handlers: Handlers, log: DispatchLog = console) {
  return async function dispatch(name: unknown, rawInput: unknown): Promise<Result<unknown>> {
    if (!isRequestName(name)) {
      return { ok: false, error: { code: 'invalid_input', message: 'Unknown request.' } };
    }
    // Only a missing input means "no fields"; an explicit null is malformed.
    const parsed = requests[name].input.safeParse(rawInput === undefined ? {} : rawInput);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      const where = first?.path.length ? `${first.path.join('.')}: ` : '';
      return {
        ok: false,
        error: { code: 'invalid_input', message: `Invalid input for ${name}. ${where}${first?.message ?? ''}`.trim() },
      };
    }
    try {
      const handler = handlers[name] as (input: unknown) => unknown;
      const value = await handler(parsed.data);
      return { ok: true, value };
    } catch (err) {
      if (err instanceof AppError) return { ok: false, error: { code: err.code, message: err.message } };
      // Unknown failures may carry paths or server answers: log them, show a generic sentence.
      log.error(`request ${name} failed`, err);
      return { ok: false, error: { code: 'internal', message: 'Something went wrong. Details are in the log.' } };
    }
  };
}

export type Dispatch = ReturnType<typeof createDispatcher>;
