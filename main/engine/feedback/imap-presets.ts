// Where each SMTP preset's provider keeps its mailbox. Sending services (SES, SendGrid, Mailgun,
// Postmark, Brevo) have no mailbox of the sender's: their bounces arrive wherever the domain's
// mail goes, so the user names that IMAP server.
import type { ImapSettings } from '../../../shared/domain';

type Server = Pick<ImapSettings, 'host' | 'port' | 'security'>;

const IMAP_PRESETS: Record<string, Server> = {
  gmail: { host: 'imap.gmail.com', port: 993, security: 'tls' },
  outlook: { host: 'outlook.office365.com', port: 993, security: 'tls' },
  icloud: { host: 'imap.mail.me.com', port: 993, security: 'tls' },
  yahoo: { host: 'imap.mail.yahoo.com', port: 993, security: 'tls' },
  zoho: { host: 'imap.zoho.com', port: 993, security: 'tls' },
  fastmail: { host: 'imap.fastmail.com', port: 993, security: 'tls' },
};

/** The IMAP server of an SMTP preset, logging in as the SMTP user; null when it has none. */
export function imapPreset(preset: string): ImapSettings | null {
  const s = IMAP_PRESETS[preset];
  return s ? { ...s, username: null, mailbox: 'INBOX' } : null;
}
