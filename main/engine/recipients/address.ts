// One spreadsheet cell → one recipient address, or the reason it is not one. Deliberately
// stricter than RFC 5322 (no quoted local parts, no IP literals): what mail providers accept.

export type ParsedAddress =
  | { ok: true; address: string; key: string; name: string | null }
  | { ok: false; reason: string };

/** Whitespace plus the invisible characters spreadsheets and web pages leave around values. */
const EDGES = /^[\s\u200b-\u200d\u2060\ufeff]+|[\s\u200b-\u200d\u2060\ufeff]+$/g;
/** RFC 5322 atext: what a dot-atom local part may contain besides dots. */
const ATEXT = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]$/;
const LABEL_CHAR = /^[\p{L}\p{N}-]$/u;

const bad = (reason: string): ParsedAddress => ({ ok: false, reason });

/**
 * The one normal form an address is compared and stored by (recipients are unique per campaign
 * and key, suppressions are keyed by it). Case-insensitive throughout: providers treat local parts
 * that way in practice, so Ann@ and ann@ are one person.
 */
export function addressKey(address: string): string {
  return address.toLowerCase();
}

export function parseAddress(cell: string): ParsedAddress {
  // A trailing separator is what copying from a mail client's To: line leaves behind.
  const text = cell.replace(EDGES, '').replace(/[\s,;]+$/, '');
  if (!text) return bad('The address is empty');
  if (holdsSeveral(text)) return bad('The cell holds several addresses; put each address on its own row');

  let address = text;
  let name: string | null = null;
  const angled = /^([^<>]*)<([^<>]*)>$/s.exec(text);
  if (angled) {
    name = displayName(angled[1]!);
    address = angled[2]!.replace(EDGES, '');
  } else if (/[<>]/.test(text)) {
    return bad('The < and > do not pair up; write "Name <address>" or just the address');
  }
  if (/^mailto:/i.test(address)) address = address.slice('mailto:'.length);

  const problem = addressProblem(address);
  return problem ? bad(problem) : { ok: true, address, key: addressKey(address), name };
}

/** Two or more @-tokens separated by , ; or spaces (quoted display names do not count). */
function holdsSeveral(text: string): boolean {
  const unquoted = text.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  return unquoted.split(/[,;\s]+/).filter((t) => t.includes('@')).length > 1;
}

function displayName(raw: string): string | null {
  let n = raw.replace(EDGES, '');
  if (n.length >= 2 && n.startsWith('"') && n.endsWith('"')) n = n.slice(1, -1).replace(/\\(.)/g, '$1').trim();
  return n || null;
}

function addressProblem(address: string): string | null {
  if (!address) return 'There is no address between < and >';
  if (/\s/.test(address)) return 'The address contains a space';
  const at = address.split('@');
  if (at.length === 1) return 'The address has no @';
  if (at.length > 2) return 'The address has more than one @';
  const [local, domain] = at as [string, string];
  if (!local) return 'There is nothing before the @';
  if (!domain) return 'There is nothing after the @';
  if (address.length > 254) return 'The address is longer than 254 characters';
  if (local.length > 64) return 'The part before the @ is longer than 64 characters';
  if (local.startsWith('.') || local.endsWith('.') || local.includes('..')) {
    return 'The part before the @ starts or ends with a dot, or has two dots in a row';
  }
  for (const ch of local) {
    if (ch !== '.' && !ATEXT.test(ch)) return `The part before the @ contains "${ch}", which is not allowed`;
  }
  return domainProblem(domain);
}

function domainProblem(domain: string): string | null {
  if (domain.startsWith('[')) return 'Addresses at an IP address are not supported; use a domain name';
  for (const ch of domain) {
    if (ch !== '.' && !LABEL_CHAR.test(ch)) return `The domain contains "${ch}", which is not allowed`;
  }
  const labels = domain.split('.');
  if (labels.length < 2) return `The domain "${domain}" has no dot; check for a typo (for example example.com)`;
  if (labels.some((l) => !l)) return 'The domain starts or ends with a dot, or has two dots in a row';
  for (const label of labels) {
    if (label.startsWith('-') || label.endsWith('-')) return 'A part of the domain starts or ends with a hyphen';
    if (label.length > 63) return 'A part of the domain is longer than 63 characters';
  }
  const tld = labels[labels.length - 1]!;
  if (!/^(\p{L}{2,}|xn--[a-z0-9-]+)$/iu.test(tld)) return `The domain ending ".${tld}" is not a real top-level domain`;
  return null;
}
