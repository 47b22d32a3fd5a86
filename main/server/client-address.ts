// Who a request to the one-click listener comes from, as the rate limiter counts clients.
import type http from 'node:http';
import { isIP } from 'node:net';

const isLoopback = (a: string) => a === '::1' || a.startsWith('127.') || a.startsWith('::ffff:127.');

/**
 * The client's address: the socket's, or, only when the user said their reverse proxy on this
 * machine sets it (`trustProxy`), the last address in X-Forwarded-For. Without that promise the
 * header is whatever the client wrote, and trusting it would give every request a bucket of its own.
 */
export function clientAddress(req: http.IncomingMessage, trustProxy: boolean): string {
  const peer = req.socket.remoteAddress ?? '';
  const forwarded = req.headers['x-forwarded-for'];
  if (trustProxy && isLoopback(peer) && typeof forwarded === 'string') {
    // nginx's $remote_addr replaces the header; $proxy_add_x_forwarded_for appends to it. Either
    // way the last entry is the one the proxy saw; anything before it came from the client.
    const last = forwarded.split(',').pop()?.trim() ?? '';
    if (isIP(last)) return last;
  }
  return peer;
}

/**
 * The rate limiter's key for an address: IPv4 as it is, IPv6 by its /64, since one subscriber
 * line or host commonly holds a whole /64 and could otherwise take a fresh bucket per address.
 */
export function clientKey(address: string): string {
  const a = address.replace(/%.*$/, '');
  const mapped = a.match(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i);
  if (mapped) return mapped[1]!;
  if (isIP(a) !== 6) return a;
  return `${expandIPv6(a).slice(0, 4).join(':')}::/64`;
}

/** The eight 16-bit groups of an IPv6 address, as lower-case hex without leading zeros. */
function expandIPv6(a: string): string[] {
  let s = a.toLowerCase();
  // A dotted IPv4 tail (::ffff:1.2.3.4, 64:ff9b::1.2.3.4) is two groups.
  const v4 = s.match(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/);
  if (v4) {
    const [b1, b2, b3, b4] = v4.slice(1).map(Number) as [number, number, number, number];
    s = `${s.slice(0, v4.index)}${((b1 << 8) | b2).toString(16)}:${((b3 << 8) | b4).toString(16)}`;
  }
  const [head, tail] = s.split('::') as [string, string | undefined];
  const left = head ? head.split(':') : [];
  const right = tail === undefined ? [] : tail ? tail.split(':') : [];
  const fill = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...fill, ...right].map((g) => Number.parseInt(g, 16).toString(16));
}
