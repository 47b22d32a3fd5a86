// Requests of Settings → Gmail and of "Connect a Gmail account". The consent runs in the browser;
// its outcome arrives later as a `gmail.connect` event.
import type { Account } from '../../../shared/domain';
import type { EngineContext } from '../context';
import { AppError, notFound } from '../errors';
import type { GoogleEndpoints } from '../gmail/endpoints';
import { type ConnectOutcome, startConsent } from '../gmail/oauth';
import { type GoogleClient, loadGoogleClient, saveGoogleClient, saveTokens } from '../gmail/tokens';
import { redact } from '../log';
import { addressKey } from '../recipients/address';
import { defaultLimits, isConsumerGmail } from '../transports/presets';
import type { Handlers } from './handlers';

/** Non-secret copy of the client ID, so the Settings screen can show it without the keychain. */
export const GMAIL_CLIENT_ID_SETTING = 'gmail.clientId';

const NO_CLIENT = 'Add your Google Cloud OAuth client (Settings → Gmail) first; docs/gmail.md shows how.';

export interface GmailApiDeps {
  endpoints: GoogleEndpoints;
  /** Opens the consent page: the system browser in Electron, a printed URL in headless mode. */
  openExternal: (url: string) => void;
  /** How long a consent flow waits for the browser. */
  timeoutMs?: number;
  /** Google granted reading this account's mailbox: turn its feedback reader on. */
  onReadGranted?: (accountId: number) => Promise<void>;
}

export function gmailHandlers(
  ctx: EngineContext,
  deps: GmailApiDeps,
): Pick<Handlers, 'gmail.getClient' | 'gmail.setClient' | 'gmail.connect' | 'gmail.cancelConnect'> {
  const flows = new Map<string, () => void>();

  async function keychainReady() {
    const reason = await ctx.secrets.unavailableReason();
    if (reason) throw new AppError('keychain_unavailable', reason);
  }

  /** Creates or updates the account the browser signed in as. Returns the event to emit. */
  async function settle(
    outcome: ConnectOutcome,
    reconnectId: number | null,
  ): Promise<{ account: Account | null; message: string | null; status: ConnectOutcome['status'] }> {
    if (outcome.status !== 'connected') {
      ctx.activity(outcome.status === 'cancelled' ? 'info' : 'warn', `Gmail connect: ${outcome.message}`);
      return { account: null, message: outcome.message, status: outcome.status };
    }
    const { email } = outcome;
    const target =
      reconnectId === null ? ctx.store.accounts.findByAddress('gmail', email) : ctx.store.accounts.get(reconnectId);
    if (reconnectId !== null && !target) {
      const message = 'The account to reconnect was removed meanwhile. Use Connect to add it again.';
      return { account: null, message, status: 'failed' };
    }
    if (target && addressKey(target.fromAddress) !== addressKey(email)) {
      const message = `You signed in as ${email}, but this account sends as ${target.fromAddress}. Click Reconnect again and choose ${target.fromAddress} in Google's account chooser.`;
      ctx.activity('warn', `Gmail reconnect refused: ${message}`, { accountId: target.id });
      return { account: null, message, status: 'failed' };
    }

    let account: Account;
    if (target) {
      await saveTokens(ctx.secrets, target.id, outcome.tokens);
      if (target.status === 'needs_reauth') {
        ctx.store.reactivateAccount(target.id);
      }
      account = ctx.store.accounts.get(target.id) ?? target;
      ctx.activity('info', `Reconnected Gmail account ${email}`, { accountId: account.id });
    } else {
      const workspace = !isConsumerGmail(email);
      account = ctx.store.accounts.create(
        {
          kind: 'gmail',
          label: email,
          fromName: outcome.name ?? '',
          fromAddress: email,
          gmail: { workspace },
          limits: defaultLimits('gmail', { workspace }),
        },
        ctx.clock.now(),
      );
      try {
        await saveTokens(ctx.secrets, account.id, outcome.tokens);
      } catch (err) {
        // An account without tokens could never send: do not keep it.
        ctx.store.accounts.remove(account.id);
        throw err;
      }
      ctx.activity('info', `Connected Gmail account ${email}${workspace ? ' (Google Workspace)' : ''}`, {
        accountId: account.id,
      });
    }
    ctx.hub.emit('accounts.changed', { accountId: account.id });
    ctx.wake();
    return { account, message: null, status: 'connected' };
  }

  return {
    'gmail.getClient': () => {
      const clientId = ctx.store.settings.get(GMAIL_CLIENT_ID_SETTING);
      return { configured: clientId !== null, clientId };
    },

    'gmail.setClient': async (input) => {
      const clientId = input.clientId.trim();
      const clientSecret = input.clientSecret.trim();
      if (!clientId.endsWith('.apps.googleusercontent.com')) {
        throw new AppError(
          'invalid_input',
          'That is not an OAuth client ID: it ends in ".apps.googleusercontent.com". Copy it from Google Cloud Console → APIs & Services → Credentials.',
        );
      }
      if (!clientSecret || /\s/.test(clientSecret)) {
        throw new AppError(
          'invalid_input',
          'The client secret must be copied without spaces. Copy it again from Google Cloud Console.',
        );
      }
      await keychainReady();
      await saveGoogleClient(ctx.secrets, { clientId, clientSecret });
      ctx.store.settings.set(GMAIL_CLIENT_ID_SETTING, clientId);
      ctx.activity('info', 'Saved the Google OAuth client');
      return { configured: true };
    },

    'gmail.connect': async (input) => {
      const reconnectId = input.reconnectAccountId ?? null;
      let hint: string | undefined;
      if (reconnectId !== null) {
        const account = ctx.store.accounts.get(reconnectId);
        if (!account) throw notFound('The account');
        if (account.kind !== 'gmail') {
          throw new AppError(
            'conflict',
            `${account.label} is not a Gmail account; only Gmail accounts connect through Google.`,
          );
        }
        hint = account.fromAddress;
      }
      if (ctx.store.settings.get(GMAIL_CLIENT_ID_SETTING) === null) throw new AppError('conflict', NO_CLIENT);
      await keychainReady();
      const client: GoogleClient | null = await loadGoogleClient(ctx.secrets);
      if (!client) throw new AppError('conflict', NO_CLIENT);

      // One consent at a time: a new Connect replaces a flow the user abandoned.
      for (const cancel of flows.values()) cancel();
      const flow = await startConsent({
        client,
        endpoints: deps.endpoints,
        timeoutMs: deps.timeoutMs,
        loginHint: hint,
        readMailbox: input.readFeedback ?? false,
      });
      flows.set(flow.flowId, flow.cancel);
      void flow.outcome
        .then(async (outcome) => {
          const r = await settle(outcome, reconnectId);
          if (r.account && input.readFeedback) await deps.onReadGranted?.(r.account.id);
          return r;
        })
        .catch((err) => {
          ctx.log.error('Gmail connect failed', err);
          return {
            account: null,
            status: 'failed' as const,
            message: redact(
              `The Gmail account could not be saved (${err instanceof Error ? err.message : String(err)}).`,
            ),
          };
        })
        .then((r) => {
          flows.delete(flow.flowId);
          ctx.hub.emit('gmail.connect', { flowId: flow.flowId, ...r });
        });
      try {
        deps.openExternal(flow.authUrl);
      } catch (err) {
        // The URL is in the result too; the user can open it by hand.
        ctx.log.warn('Could not open the browser for Google sign-in', err);
      }
      return { flowId: flow.flowId, authUrl: flow.authUrl };
    },

    'gmail.cancelConnect': (input) => {
      const cancel = flows.get(input.flowId);
      cancel?.();
      return { cancelled: cancel !== undefined };
    },
  };
}
