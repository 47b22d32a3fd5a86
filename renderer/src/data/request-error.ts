// A failed request as an Error, so the query library's error channel carries the engine's message.
import type { RequestName } from '../../../shared/contract';
import type { ErrorCode } from '../../../shared/result';

export class RequestError extends Error {
  constructor(
    readonly request: RequestName,
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RequestError';
  }
}

export function messageOf(err: unknown): string | null {
  if (err === null || err === undefined) return null;
  return err instanceof Error ? err.message : String(err);
}
