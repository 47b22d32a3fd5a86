// Which reader an account gets, with which login. Passwords come from the keychain at the moment
// the mailbox is opened and are never stored anywhere else.
import type { Account, FeedbackReader, ImapSettings } from '../../../shared/domain';
import type { EngineContext } from '../context';
import type { GoogleEndpoints } from '../gmail/endpoints';
import { GMAIL_READ_SCOPE } from '../gmail/endpoints';
import { loadGoogleClient, loadTokens } from '../gmail/tokens';
import { accountSecretKey } from '../secrets/secret-store';
import type { ReaderRecord } from '../store/feedback';
import { openGmailReader } from './gmail-reader';
import { imapPreset } from './imap-presets';
import { FIRST_READ_DAYS, type MailboxReader, openImapReader } from './imap-reader';
import { ReaderBlocked } from './service';

/** A separate IMAP password, when the mailbox does not take the SMTP one. */
export const imapSecretKey = (accountId: number) => `feedback-imap:${accountId}`;

/** What the reader row's settings hold for an SMTP account. */
export interface ImapReaderSettings {
  imap: ImapSettings;
  separatePassword: boolean;
}

export function imapSettingsOf(record: ReaderRecord | null): ImapReaderSettings | null {
  const s = record?.settings as Partial<ImapReaderSettings> | undefined;
  return s?.imap ? { imap: s.imap, separatePassword: !!s.separatePassword } : null;
}

export function readerView(account: Account, record: ReaderRecord | null): FeedbackReader {
  const imap = account.kind === 'smtp' ? (imapSettingsOf(record)?.imap ?? imapPreset(account.preset)) : null;
  return {
    accountId: account.id,
    enabled: record?.enabled ?? false,
    via: account.kind === 'gmail' ? 'gmail' : 'imap',
    imap,
    status: record?.status ?? 'idle',
    lastError: record?.lastError ?? null,
    lastReadAt: record?.lastReadAt ?? null,
    processed: record?.processed ?? 0,
  };
}

export async function imapLogin(
  ctx: Pick<EngineContext, 'secrets' | 'clock'>,
  account: Account,
  s: ImapReaderSettings,
  password?: string | null,
) {
  if (account.kind !== 'smtp') throw new ReaderBlocked('Only SMTP accounts are read over IMAP.');
  const user = s.imap.username ?? account.smtp.username;
  if (!user) {
    throw new ReaderBlocked(
      'This SMTP account logs in without a user name, so the mailbox needs its own: set the IMAP user name and password.',
    );
  }
  const pass =
    password ?? (await ctx.secrets.get(s.separatePassword ? imapSecretKey(account.id) : accountSecretKey(account.id)));
  if (!pass)
    throw new ReaderBlocked('No password for the mailbox is in the keychain. Enter it in the feedback settings.');
  return { settings: s.imap, user, password: pass, now: () => ctx.clock.now() };
}

/** Whether Google granted reading this Gmail account's mailbox. */
export async function gmailReadAllowed(ctx: Pick<EngineContext, 'secrets'>, accountId: number): Promise<boolean> {
  const t = await loadTokens(ctx.secrets, accountId);
  return (t?.scope ?? '').split(/\s+/).includes(GMAIL_READ_SCOPE);
}

export function readerOpener(ctx: EngineContext, google: GoogleEndpoints) {
  return async function openReader(account: Account, record: ReaderRecord): Promise<MailboxReader> {
    if (account.kind === 'smtp') {
      const s = imapSettingsOf(record);
      if (!s) throw new ReaderBlocked('Say which IMAP server holds this account’s mail in the feedback settings.');
      return openImapReader(await imapLogin(ctx, account, s));
    }
    if (account.kind === 'gmail') {
      const client = await loadGoogleClient(ctx.secrets);
      if (!client) throw new ReaderBlocked('The Google OAuth client is missing. Add it under Settings → Gmail.');
      return openGmailReader({
        client,
        accountId: account.id,
        secrets: ctx.secrets,
        endpoints: google,
        now: () => ctx.clock.now(),
        firstReadDays: FIRST_READ_DAYS,
      });
    }
    throw new ReaderBlocked('This kind of account has no mailbox to read.');
  };
}
