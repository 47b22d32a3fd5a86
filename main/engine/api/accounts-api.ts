// Sending accounts: add SMTP accounts (checked before they are saved), edit, pause, verify and
// remove them, and the embedded local test outbox every install starts with. Passwords go to the
// keychain only; the database row holds server settings and never a secret.
import type { ParsedInput } from '../../../shared/contract';
import type { Account, Limits, SmtpSettings } from '../../../shared/domain';
import type { EngineContext } from '../context';
import { AppError, notFound } from '../errors';
import type { RevokeOutcome } from '../gmail/revoke';
import { registerSecret } from '../log';
import { accountSecretKey } from '../secrets/secret-store';
import { accountUsage } from '../sender/progress';
import type { Sender } from '../sender/sender';
import { readSettings } from '../settings';
import { cleartextLoginProblem } from '../transports/cleartext-login';
import { defaultLimits, findPreset, isConsumerGmail, providerCeiling, SMTP_PRESETS } from '../transports/presets';
import { createSmtpTransport } from '../transports/smtp';
import { describeFailure, type Transport, TransportError } from '../transports/transport';
import type { Handlers } from './handlers';

type AccountHandlerNames =
  | 'accounts.list'
  | 'accounts.presets'
  | 'accounts.addSmtp'
  | 'accounts.update'
  | 'accounts.remove'
  | 'accounts.removePreview'
  | 'accounts.verify'
  | 'accounts.setPaused';

export const OUTBOX_ACCOUNT = {
  label: 'Local test outbox',
  fromName: 'Campaign Tray Test',
  fromAddress: 'test@campaign-tray.local',
} as const;

type LimitsPatch = NonNullable<ParsedInput<'accounts.addSmtp'>['limits']>;

const defined = <T extends object>(o: T): Partial<T> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

/** Applies a patch to limits and checks them: provider ceilings, gaps in order, a usable reserve. */
export function mergeLimits(
  base: Limits,
  patch: LimitsPatch | undefined,
  account: Parameters<typeof providerCeiling>[0],
): Limits {
  const next: Limits = { ...base, ...defined(patch ?? {}) };
  const ceiling = providerCeiling(account);
  if (ceiling && (next.perMinute > ceiling.perMinute || next.perDay > ceiling.perDay)) {
    throw new AppError(
      'invalid_input',
      `${ceiling.provider} must stay at or below ${ceiling.perMinute} per minute and ${ceiling.perDay} per 24 hours: ` +
        'going over blocks its sending for up to a day. Lower the limits.',
    );
  }
  if (next.minGapMs > next.maxGapMs) {
    throw new AppError(
      'invalid_input',
      `The shortest gap between sends (${next.minGapMs} ms) must not be longer than the longest gap (${next.maxGapMs} ms).`,
    );
  }
  if (next.reserve >= next.perDay) {
    throw new AppError(
      'invalid_input',
      `The reserve (${next.reserve}) must be smaller than the daily limit (${next.perDay}), or the account could never send.`,
    );
  }
  return next;
}

function checkCredentials(smtp: SmtpSettings, password: string | null | undefined): void {
  if (smtp.username === null && password) {
    throw new AppError('invalid_input', 'A password needs a user name. Enter the user name, or clear the password.');
  }
  const cleartext = cleartextLoginProblem(smtp);
  if (cleartext) throw new AppError('invalid_input', cleartext);
}

/** Turns a failed login or connection into a sentence that says what to check. */
export function explainTransportFailure(err: unknown, where: string): AppError {
  if (err instanceof AppError) return err;
  if (!(err instanceof TransportError)) {
    return new AppError('network', `${where} could not be checked. Check the host, port and security setting.`);
  }
  const f = err.failure;
  switch (f.source) {
    case 'smtp': {
      if (f.code === 'EAUTH' || f.responseCode === 535 || f.responseCode === 534) {
        return new AppError(
          'auth_failed',
          `The server refused the user name or password (${f.response}). Check them, or for Gmail use an app password.`,
        );
      }
      if (f.responseCode === 530) {
        return new AppError(
          'auth_failed',
          `The server requires a login (${f.response}). Enter a user name and password.`,
        );
      }
      return new AppError('network', `${where} answered “${f.response}”. Check the host, port and security setting.`);
    }
    case 'network':
    case 'interrupted':
      return new AppError(
        'network',
        `${where} could not be reached (${describeFailure(f)}). Check the host, port and security setting.`,
      );
    case 'oauth':
      return new AppError(
        'auth_failed',
        `Google refused the saved sign-in (${describeFailure(f)}). Reconnect the account.`,
      );
    case 'http':
      return f.status === 401 || f.status === 403
        ? new AppError('auth_failed', `Google refused the request (${describeFailure(f)}). Reconnect the account.`)
        : new AppError('network', `Google could not be reached (${describeFailure(f)}). Try again later.`);
    case 'config':
      return new AppError('conflict', f.message);
  }
}

/** Makes sure the embedded local test outbox account exists (first run). */
export function ensureOutboxAccount(ctx: EngineContext): Account {
  const existing = ctx.store.accounts.list().find((a) => a.kind === 'outbox');
  if (existing) return existing;
  return ctx.store.accounts.create(
    { kind: 'outbox', ...OUTBOX_ACCOUNT, limits: defaultLimits('outbox') },
    ctx.clock.now(),
  );
}

export function accountHandlers(
  ctx: EngineContext,
  deps: {
    /** A fresh transport for the account; accounts.verify closes it when done. */
    transportFor: (a: Account) => Promise<Transport>;
    /** Drops any live connection of the account (its settings or password changed, or it is gone). */
    forget?: (accountId: number) => Promise<void> | void;
    /** Ends a Gmail account's grant at Google before its tokens are deleted. */
    revokeGmail?: (accountId: number) => Promise<RevokeOutcome>;
  },
): Pick<Handlers, AccountHandlerNames> {
  const { store, clock } = ctx;
  const get = (id: number): Account => {
    const a = store.accounts.get(id);
    if (!a) throw notFound(`Account ${id}`);
    return a;
  };
  const changed = async (accountId: number | null) => {
    if (accountId !== null) await deps.forget?.(accountId);
    ctx.hub.emit('accounts.changed', { accountId });
    ctx.wake();
  };
  const where = (s: SmtpSettings) => `The server ${s.host}:${s.port}`;
  const sendingWith = (id: number) => store.campaigns.listSending().filter((c) => c.pool.includes(id));

  async function verifyWith(t: Transport, label: string): Promise<void> {
    try {
      await t.verify();
    } catch (err) {
      throw explainTransportFailure(err, label);
    } finally {
      await t.close().catch(() => {});
    }
  }

  return {
    'accounts.list': ({ includeRemoved }) => store.accounts.list({ includeRemoved }),

    // The custom server's limits are the user's defaults (Settings), so the add form shows them.
    'accounts.presets': () => {
      const custom = readSettings(store).defaultLimits;
      return SMTP_PRESETS.map((p) => ({ ...p, limits: p.id === 'custom' ? { ...custom } : { ...p.limits } }));
    },

    'accounts.addSmtp': async (input) => {
      registerSecret(input.password);
      if (!findPreset(input.preset)) {
        throw new AppError(
          'invalid_input',
          `“${input.preset}” is not a known provider preset. Pick one from the list.`,
        );
      }
      const workspace = input.preset === 'gmail' && !isConsumerGmail(input.fromAddress);
      // A provider's preset knows its limits; a custom server starts from the user's defaults.
      const base =
        input.preset === 'custom'
          ? readSettings(store).defaultLimits
          : defaultLimits('smtp', { preset: input.preset, workspace });
      const limits = mergeLimits(base, input.limits, {
        kind: 'smtp',
        fromAddress: input.fromAddress,
        preset: input.preset,
      });
      checkCredentials(input.smtp, input.password);
      if (input.smtp.username !== null && !input.password) {
        throw new AppError('invalid_input', `Enter the password (or app password) for ${input.smtp.username}.`);
      }
      if (input.verify) {
        await verifyWith(createSmtpTransport(input.smtp, input.password, { pool: false }), where(input.smtp));
      }

      const account = store.accounts.create(
        {
          kind: 'smtp',
          label: input.label,
          fromName: input.fromName,
          fromAddress: input.fromAddress,
          limits,
          smtp: input.smtp,
          preset: input.preset,
        },
        clock.now(),
      );
      if (input.password !== null) {
        try {
          await ctx.secrets.set(accountSecretKey(account.id), input.password);
        } catch (err) {
          // Without its password the account could never send: do not keep half of it.
          store.accounts.remove(account.id);
          throw err;
        }
      }
      ctx.activity('info', `Added the account ${account.label} (${account.fromAddress}).`, { accountId: account.id });
      await changed(account.id);
      return account;
    },

    'accounts.update': async (input) => {
      const a = get(input.id);
      if (a.kind !== 'smtp' && (input.smtp !== undefined || input.password !== undefined)) {
        const what = a.kind === 'outbox' ? 'The local test outbox' : 'A Gmail account';
        throw new AppError('invalid_input', `${what} has no server settings or password to change.`);
      }
      registerSecret(input.password);
      const limits = input.limits
        ? mergeLimits(a.limits, input.limits, {
            kind: a.kind,
            fromAddress: input.fromAddress ?? a.fromAddress,
            ...(a.kind === 'smtp' ? { preset: a.preset } : {}),
          })
        : undefined;
      let smtp: SmtpSettings | undefined;
      if (a.kind === 'smtp') {
        smtp = input.smtp ? { ...a.smtp, ...defined(input.smtp) } : undefined;
        const next = smtp ?? a.smtp;
        checkCredentials(next, input.password);
        const needsNewPassword = a.smtp.username === null || input.password !== undefined;
        if (next.username !== null && needsNewPassword && !input.password) {
          throw new AppError('invalid_input', `Enter the password (or app password) for ${next.username}.`);
        }
        // The keychain first: if it fails, nothing has changed.
        const key = accountSecretKey(a.id);
        if (next.username === null) {
          if (a.smtp.username !== null) await ctx.secrets.delete(key);
        } else if (input.password) {
          await ctx.secrets.set(key, input.password);
        }
      }
      const updated = store.accounts.update(
        a.id,
        defined({
          label: input.label,
          fromName: input.fromName,
          fromAddress: input.fromAddress,
          limits,
          smtp,
        }),
      );
      if (!updated) throw notFound(`Account ${a.id}`);
      // New credentials are the user's answer to "needs re-auth": let the sender try again.
      const repaired = a.status === 'needs_reauth' && (input.password !== undefined || input.smtp !== undefined);
      if (repaired) store.reactivateAccount(a.id);
      await changed(a.id);
      return get(a.id);
    },

    'accounts.remove': async ({ id }) => {
      const a = get(id);
      if (a.kind === 'outbox') {
        throw new AppError(
          'conflict',
          'The local test outbox cannot be removed. Pause it if you do not want to use it.',
        );
      }
      const busy = sendingWith(id);
      if (busy.length > 0) {
        const names = busy.map((c) => `“${c.name}”`).join(', ');
        throw new AppError(
          'conflict',
          `${a.label} is sending ${names}. Pause the campaign or take the account out of its sender pool first.`,
        );
      }
      if (a.kind === 'gmail' && deps.revokeGmail) {
        const outcome = await deps.revokeGmail(id).catch((err: unknown) => ({ failed: String(err) }));
        if (typeof outcome === 'object') {
          ctx.log.warn(`the Google grant of removed account ${id} could not be revoked`, outcome.failed);
          ctx.activity(
            'warn',
            `Google could not be reached to end the access of ${a.label}. Remove “Campaign Tray” at ` +
              'https://myaccount.google.com/permissions to end it by hand.',
          );
        }
      }
      // Drafts and paused campaigns forget the account; their recipients keep their history.
      store.removeAccount(id, clock.now());
      try {
        await ctx.secrets.delete(accountSecretKey(id));
      } catch (err) {
        ctx.log.warn(`the keychain entry of removed account ${id} could not be deleted`, err);
        ctx.activity(
          'warn',
          `The password of ${a.label} could not be removed from the keychain. Remove it there by hand.`,
        );
      }
      ctx.activity('info', `Removed the account ${a.label} (${a.fromAddress}).`, { accountId: id });
      await changed(id);
      ctx.hub.emit('campaigns.changed', { campaignId: null });
      return { removed: true as const };
    },

    'accounts.removePreview': ({ id }) => {
      const a = get(id);
      if (a.kind === 'outbox') {
        throw new AppError(
          'conflict',
          'The local test outbox cannot be removed. Pause it if you do not want to use it.',
        );
      }
      const blockedBy = sendingWith(id).map((c) => ({ id: c.id, name: c.name }));
      const leavesPools = store.campaigns
        .list()
        .filter((c) => c.status !== 'sending' && c.pool.includes(id))
        .map((c) => ({ id: c.id, name: c.name }));
      // An SMTP relay without a login has nothing in the keychain; Gmail always has its sign-in.
      const keychainEntry = a.kind === 'gmail' || (a.kind === 'smtp' && a.smtp.username !== null);
      const sentMessages = store.recipients.countSentBy(id);
      const deletes = [
        ...(keychainEntry
          ? [
              a.kind === 'gmail'
                ? 'Its Google sign-in, from the system keychain.'
                : 'Its password, from the system keychain.',
            ]
          : []),
        `The account ${a.label} (${a.fromAddress}): it can no longer be chosen or send.`,
        ...(leavesPools.length > 0
          ? [`Its place in the sender pool of ${leavesPools.map((c) => `“${c.name}”`).join(', ')}.`]
          : []),
      ];
      const keeps = [
        sentMessages > 0
          ? `The ${sentMessages} message(s) it sent: results, exports and the activity log keep its name.`
          : 'The activity log, which keeps its name.',
        'Every campaign and recipient; nothing queued or sent is changed.',
      ];
      return { accountId: a.id, label: a.label, blockedBy, leavesPools, keychainEntry, sentMessages, deletes, keeps };
    },

    'accounts.verify': async ({ id }) => {
      const a = get(id);
      const label = a.kind === 'smtp' ? where(a.smtp) : a.label;
      let transport: Transport;
      try {
        transport = await deps.transportFor(a);
      } catch (err) {
        throw explainTransportFailure(err, label);
      }
      try {
        await verifyWith(transport, label);
      } catch (err) {
        if (err instanceof AppError && err.code === 'auth_failed') {
          store.accounts.setStatus(a.id, 'needs_reauth', err.message);
          await changed(a.id);
        }
        throw err;
      }
      store.accounts.clearError(a.id);
      if (a.status === 'needs_reauth') store.accounts.setStatus(a.id, 'active');
      await changed(a.id);
      return { verified: true as const };
    },

    'accounts.setPaused': async ({ id, paused }) => {
      const a = get(id);
      if (a.status === 'needs_reauth') {
        if (paused) return a; // It sends nothing already; keep the more telling status.
        throw new AppError(
          'conflict',
          a.kind === 'gmail'
            ? `${a.label} needs you to sign in again before it can send. Reconnect it with Google first.`
            : `${a.label} was refused by its server and needs new credentials. Update its password first.`,
        );
      }
      const status = paused ? 'paused' : 'active';
      if (a.status !== status) {
        store.accounts.setStatus(a.id, status);
        ctx.activity('info', `${paused ? 'Paused' : 'Resumed'} the account ${a.label}.`, { accountId: a.id });
        await changed(a.id);
      }
      return get(a.id);
    },
  };
}

/** Each account's sends over the last minute, hour and 24 hours, against its caps. */
export function accountUsageHandler(ctx: EngineContext, sender: () => Sender): Pick<Handlers, 'accounts.usage'> {
  return {
    'accounts.usage': () => ctx.store.accounts.list().map((a) => accountUsage(ctx, sender(), a)),
  };
}
