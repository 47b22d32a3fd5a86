// The grouping key of a failure: the server's text with what differs per message masked, so 33
// identical "550 5.1.1 <x@y>: user unknown" rejects make one group, not 33. Reply codes and RFC 3463
// enhanced status codes (5.1.1) are kept: they are what the groups mean. Pure; it lives with the
// store because the store writes the key with each failure and groups by it.

const MAX_KEY = 500;

/** Ordered: earlier rules must not see text a later rule would have masked differently. */
const RULES: readonly [RegExp, string][] = [
  // Addresses and Message-IDs, bracketed or bare (a Message-ID looks like an address).
  [/<[^<>\s]*@[^<>\s]*>/g, '<address>'],
  [/[^\s<>()[\]{}"',;:]+@[^\s<>()[\]{}"',;:]+/g, '<address>'],
  // UUIDs before plain hex runs.
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<id>'],
  // IP addresses (v4, and v6 with at least two colons).
  [/\b\d{1,3}(?:\.\d{1,3}){3}\b/g, '<ip>'],
  [/\b[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}\b/gi, '<ip>'],
  // Queue and transaction ids: a run of 8+ letters and digits that holds at least one digit,
  // e.g. Postfix "4F3A2B1C9D", Gmail "a1b2c3d4e5f6.12 - gsmtp".
  [/\b(?=[A-Za-z0-9_-]*\d)(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9_-]{8,}\b/g, '<id>'],
  // Numbers of 4+ digits (timestamps, sizes, counters); reply codes (3 digits) stay.
  [/(?<![\d.])\d{4,}(?![\d.])/g, '<n>'],
];

/** An enhanced status code: class.subject.detail (RFC 3463). Protected from the number rules. */
const ENHANCED = /\b[245]\.\d{1,3}\.\d{1,3}\b/g;

export function failureKey(message: string | null): string {
  if (message === null) return 'Unknown error';
  const kept: string[] = [];
  // Park enhanced codes behind placeholders that no rule matches, then put them back.
  let text = message.replace(ENHANCED, (m) => `\u0000${kept.push(m) - 1}\u0000`);
  for (const [re, to] of RULES) text = text.replace(re, to);
  text = text.replace(/\u0000(\d+)\u0000/g, (_, i: string) => kept[Number(i)]!);
  text = text.replace(/\s+/g, ' ').trim();
  return text.length > MAX_KEY ? `${text.slice(0, MAX_KEY - 1)}…` : text;
}
