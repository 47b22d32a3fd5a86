// Feedback from the sending mailboxes: turn a reader on or off (checked before it is saved),
// read now, and the per-campaign records and counts.
import type { Account } from '../../../shared/domain';
import type { EngineContext } from '../context';
import { AppError, notFound } from '../errors';
import { imapPreset } from '../feedback/imap-presets';
import { openImapReader } from '../feedback/imap-reader';
import {
  gmailReadAllowed,
  type ImapReaderSettings,
  imapLogin,
  imapSecretKey,
  imapSettingsOf,
  readerView,
} from '../feedback/readers';
import { type FeedbackService, ReaderBlocked } from '../feedback/service';
import { registerSecret } from '../log';
import type { Handlers } from './handlers';

type FeedbackHandlerNames =
  | 'feedback.readers'
  | 'feedback.configure'
  | 'feedback.readNow'
  | 'feedback.list'
  | 'feedback.counts';

const readable = (a: Account) => a.kind !== 'outbox';

export function feedbackHandlers(
  ctx: EngineContext,
  deps: { service: FeedbackService },
): Pick<Handlers, FeedbackHandlerNames> {
  const { store } = ctx;
  const account = (id: number): Account => {
    const a = store.accounts.get(id);
    if (!a) throw notFound('The account');
    if (!readable(a)) {
      throw new AppError('invalid_input', 'The local test outbox delivers nowhere, so it has no mailbox to read.');
    }
    return a;
  };
  const view = (a: Account) => readerView(a, store.feedback.reader(a.id));
  const campaign = (id: number) => {
    if (!store.campaigns.get(id)) throw notFound('The campaign');
  };

  return {
    'feedback.readers': () => store.accounts.list().filter(readable).map(view),

    'feedback.configure': async ({ accountId, enabled, imap, password, verify }) => {
      const a = account(accountId);
      const before = store.feedback.reader(a.id);
      let settings: Record<string, unknown> = before?.settings ?? {};
      if (a.kind === 'smtp') {
        const prior = imapSettingsOf(before);
        const server = imap ?? prior?.imap ?? imapPreset(a.preset);
        if (!server) {
          throw new AppError(
            'invalid_input',
            'This sending service has no mailbox of yours. Enter the IMAP server where mail to your sending address arrives.',
          );
        }
        const next: ImapReaderSettings = {
          imap: server,
          separatePassword: password === undefined ? (prior?.separatePassword ?? false) : password !== null,
        };
        if (password) registerSecret(password);
        if (enabled && verify) {
          try {
            const reader = await openImapReader({ ...(await imapLogin(ctx, a, next, password)), timeoutMs: 20_000 });
            await reader.close();
          } catch (err) {
            if (err instanceof ReaderBlocked) throw new AppError('invalid_input', err.message);
            const e = err as { authenticationFailed?: boolean; code?: string; message?: string };
            if (e.authenticationFailed) {
              throw new AppError(
                'auth_failed',
                'The mail server refused the login. Check the IMAP user name and password.',
              );
            }
            throw new AppError(
              'network',
              `Cannot open the mailbox at ${server.host}:${server.port} (${e.code ?? e.message ?? 'error'}). Check the server settings.`,
            );
          }
        }
        if (typeof password === 'string') await ctx.secrets.set(imapSecretKey(a.id), password);
        if (password === null) await ctx.secrets.delete(imapSecretKey(a.id));
        settings = { ...next };
      } else if (enabled && !(await gmailReadAllowed(ctx, a.id))) {
        throw new AppError(
          'conflict',
          'Google has not allowed Campaign Tray to read this mailbox yet. Click “Allow reading in the browser” to grant read access (gmail.readonly) for feedback; sending works either way.',
        );
      }
      store.feedback.configure(a.id, enabled, settings, ctx.clock.now());
      await deps.service.restart(a.id);
      ctx.hub.emit('feedback.changed', { accountId: a.id, campaignId: null });
      ctx.activity(
        'info',
        enabled
          ? `Reading bounces, replies and unsubscribe requests from ${a.label}`
          : `Stopped reading feedback from ${a.label}`,
        { accountId: a.id },
      );
      return view(a);
    },

    'feedback.readNow': async ({ accountId }) => {
      const a = account(accountId);
      if (!store.feedback.reader(a.id)?.enabled) {
        throw new AppError('conflict', 'Feedback reading is off for this account. Turn it on first.');
      }
      await deps.service.readNow(a.id);
      return view(a);
    },

    'feedback.list': ({ campaignId, kind, offset, limit }) => {
      campaign(campaignId);
      return store.feedback.list(campaignId, { ...(kind ? { kind } : {}), offset, limit });
    },

    'feedback.counts': ({ campaignId }) => {
      campaign(campaignId);
      return store.feedback.counts(campaignId);
    },
  };
}

/**
 * Google answered a consent that asked to read the mailbox: turn the account's reader on, unless
 * the user unticked reading on Google's screen (then sending goes on and feedback stays off).
 */
export function gmailReadGranted(ctx: EngineContext, service: FeedbackService) {
  return async (accountId: number): Promise<void> => {
    const a = ctx.store.accounts.get(accountId);
    if (!a) return;
    if (!(await gmailReadAllowed(ctx, accountId))) {
      ctx.activity('warn', `Google did not allow reading ${a.label}; feedback stays off for it`, { accountId });
      return;
    }
    ctx.store.feedback.configure(accountId, true, {}, ctx.clock.now());
    await service.restart(accountId);
    ctx.hub.emit('feedback.changed', { accountId, campaignId: null });
    ctx.activity('info', `Reading bounces, replies and unsubscribe requests from ${a.label}`, { accountId });
  };
}
