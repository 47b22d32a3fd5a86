import type { ErrorCode } from '../../shared/result';

/**
 * An error meant for the user: a closed code and a sentence that says what to do.
 * Anything else that escapes a handler is reported as `internal` without its text.
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const notFound = (what: string) => new AppError('not_found', `${what} was not found. It may have been deleted.`);
