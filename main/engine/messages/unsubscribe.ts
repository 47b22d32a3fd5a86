// The List-Unsubscribe targets of one message. A desktop app has no public endpoint, so a
// mailto: target is always there (replies land in the sending mailbox); an https URL, and with it
// RFC 8058 one-click unsubscribe, only when the campaign has a URL template.
import { AppError } from '../errors';
import { renderUrlTemplate } from './template';

const ADDRESS = /^[^\s@<>,;"()[\]\\]+@[^\s@<>,;"()[\]\\]+$/;

export function listUnsubscribe(input: {
  mailto: string | null;
  fromAddress: string;
  urlTemplate: string | null;
  vars: Record<string, string>;
}): { mailto: string; url: string | null } {
  const mailto = (input.mailto ?? input.fromAddress).trim();
  if (!ADDRESS.test(mailto)) {
    throw new AppError(
      'template_invalid',
      `The unsubscribe address "${mailto.slice(0, 320)}" is not a single email address. Fix it in the campaign's unsubscribe settings.`,
    );
  }
  const url = input.urlTemplate === null ? null : renderUrlTemplate(input.urlTemplate, input.vars);
  return { mailto, url };
}

/** `mailto:` URI of an address with the subject the mailbox owner filters on (RFC 6068). */
export function mailtoUri(address: string): string {
  const at = address.lastIndexOf('@');
  const enc = (s: string) => encodeURIComponent(s).replace(/%2B/gi, '+');
  return `mailto:${enc(address.slice(0, at))}@${enc(address.slice(at + 1))}?subject=unsubscribe`;
}

/** The header values of a message: both targets, and the one-click header only with https. */
export function unsubscribeHeaders(u: { mailto: string; url: string | null }): [string, string][] {
  const targets = [`<${mailtoUri(u.mailto)}>`];
  // Only a well-formed https URL; anything else would break the header or the one-click promise.
  // Commas are escaped because some receivers split the header on them, even inside <…>.
  const url = u.url !== null && /^https:\/\/[^\s<>]+$/.test(u.url) ? u.url.replace(/,/g, '%2C') : null;
  if (url) targets.push(`<${url}>`);
  const headers: [string, string][] = [['List-Unsubscribe', targets.join(', ')]];
  if (url) headers.push(['List-Unsubscribe-Post', 'List-Unsubscribe=One-Click']);
  return headers;
}
