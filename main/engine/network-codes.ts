// The one list of error codes that mean "the connection broke or never came up, and no server
// answer was read", as nodemailer and Node's sockets and DNS name them. The SMTP and Gmail
// transports and policy/classify.ts all read it from here.

/** No connection was made at all: nothing can have reached the server. */
export const NEVER_CONNECTED: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EDNS',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
]);

/** The connection failed without an answer: NEVER_CONNECTED, or one that broke or timed out. */
export const NETWORK_CODES: ReadonlySet<string> = new Set([
  ...NEVER_CONNECTED,
  'ECONNECTION',
  'ETIMEDOUT',
  'ESOCKET',
  'ECONNRESET',
  'ETLS',
  'EPIPE',
  'EPROXY',
  'EPROTOCOL',
]);
