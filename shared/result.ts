// How every request answers. The renderer never sees stacks or secrets: only a code and a sentence.

export const ERROR_CODES = [
  'invalid_input', // the input failed the contract's schema
  'not_found',
  'conflict', // the request does not fit the current state (e.g. editing a sending campaign)
  'template_invalid',
  'import_invalid',
  'auth_failed', // wrong password, revoked token
  'network', // the server could not be reached
  'keychain_unavailable',
  'forbidden', // untrusted sender or missing token
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorInfo {
  code: ErrorCode;
  message: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };
