export type { EngineHost };

// The composition root of the engine (plain Node, no Electron): opens the store, builds the
// services, binds every contract request to its handler and runs the sender.

import { createRequire } from 'node:module';
import path from 'node:path';
import { accountHandlers, accountUsageHandler, ensureOutboxAccount } from './api/accounts-api';
import { activityHandlers } from './api/activity-api';
import { appHandlers } from './api/app-api';
import { attachmentsHandlers } from './api/attachments-api';
import {
  campaignDashboardHandlers,
  campaignHandlers,
  campaignReportHandlers,
  campaignTestSendHandlers,
} from './api/campaigns-api';
import { feedbackHandlers, gmailReadGranted } from './api/feedback-api';
import { gmailHandlers } from './api/gmail-api';
import type { Handlers } from './api/handlers';
import { outboxHandlers } from './api/outbox-api';
import { recipientsHandlers } from './api/recipients-api';
import { settingsHandlers } from './api/settings-api';
import { suppressionsHandlers } from './api/suppressions-api';
import { templatesHandlers } from './api/templates-api';
import { type Clock, systemClock } from './clock';
import type { EngineContext, EngineHost } from './context';
import { lockDataDir } from './data-lock';
import { AppError } from './errors';
import { EventHub } from './events/hub';
import { type OneClickUnsubscribe, oneClickUnsubscribe } from './feedback/one-click';
import { createProcessor } from './feedback/process';
import { feedbackPolicyOf } from './feedback/reaction';
import { readerOpener } from './feedback/readers';
import { FeedbackService } from './feedback/service';
import { tokenKeyLoader } from './feedback/token-key';
import { FileRegistry } from './files/registry';
import { GOOGLE_ENDPOINTS, type GoogleEndpoints } from './gmail/endpoints';
import { revokeGrant } from './gmail/revoke';
import { createLogger, type Logger } from './log';
import { parseOneClickBase } from './messages/unsubscribe';
import { securePrivateDir, securePrivateFile } from './private-files';
import { Importer } from './recipients/importer';
import { createKeychain } from './secrets/keychain';
import type { SecretStore } from './secrets/secret-store';
import { createPreparer } from './sender/prepare';
import { campaignProgress } from './sender/progress';
import { Sender } from './sender/sender';
import { readSettings } from './settings';
import { openStore, type Store } from './store';
import { DB_FILE } from './store/db';
import { createTransport, TransportCache } from './transports/registry';

/** How long stop() waits for sends on the wire by default (the shell waits a little longer). */
export const SHUTDOWN_WAIT_MS = 10_000;

export interface EngineOptions {
  dataDir: string;
  host: EngineHost;
  clock?: Clock;
  random?: () => number;
  /** Default: the OS keychain. */
  secrets?: SecretStore;
  log?: Logger;
  /** Google endpoints (tests point them at a loopback server). */
  google?: GoogleEndpoints;
  /** Opens the Google consent page: shell.openExternal in Electron, a printed URL in headless mode. */
  openExternal?: (url: string) => void;
  /** How long stop() waits for sends on the wire. */
  shutdownTimeoutMs?: number;
  /** Gmail consent listener timeout. */
  oauthTimeoutMs?: number;
  /** How often a mailbox without IMAP IDLE is read for feedback. */
  feedbackPollMs?: number;
  /**
   * The headless server runs the one-click unsubscribe endpoint at this public https base URL:
   * every message then carries `<base>/u/<token>` and List-Unsubscribe-Post.
   */
  oneClick?: { baseUrl: string };
}

export interface Engine {
  /** One function per contract request; main/rpc/dispatch.ts validates input in front of them. */
  handlers: Handlers;
  hub: EventHub;
  store: Store;
  sender: Sender;
  /** Where the shell (dialog, drop) and the server (HTTP upload) register files for the page. */
  files: FileRegistry;
  /** What the one-click unsubscribe endpoint asks (main/server runs it). */
  unsubscribe: OneClickUnsubscribe;
  start(): Promise<void>;
  stop(): Promise<void>;
}

function appVersion(): string {
  try {
    const require = createRequire(import.meta.url);
    for (const p of ['../../package.json', '../../../package.json']) {
      try {
        return (require(p) as { version: string }).version;
      } catch {}
    }
  } catch {}
  return '0.0.0';
}

export async function createEngine(opts: EngineOptions): Promise<Engine> {
  securePrivateDir(opts.dataDir, DB_FILE);
  const unlock = lockDataDir(opts.dataDir);
  let store: Store | null = null;
  try {
    const dbFile = path.join(opts.dataDir, DB_FILE);
    // SQLite gives the WAL and shared-memory files the database file's mode.
    securePrivateFile(dbFile, [`${dbFile}-wal`, `${dbFile}-shm`]);
    store = openStore(dbFile);
    return await assemble(opts, store, unlock);
  } catch (err) {
    // A failed start leaves neither the database nor the folder's lock held.
    store?.close();
    unlock();
    throw err;
  }
}

async function assemble(opts: EngineOptions, store: Store, unlock: () => void): Promise<Engine> {
  const clock = opts.clock ?? systemClock;
  const log = opts.log ?? createLogger();
  const hub = new EventHub(clock);
  const google = opts.google ?? GOOGLE_ENDPOINTS;
  const oneClickBase = opts.oneClick ? parseOneClickBase(opts.oneClick.baseUrl) : null;
  let sender: Sender | null = null;
  const files = new FileRegistry(() => clock.now());

  const ctx: EngineContext = {
    dataDir: opts.dataDir,
    store,
    hub,
    clock,
    random: opts.random ?? Math.random,
    secrets: opts.secrets ?? createKeychain(),
    log,
    files,
    wake: () => sender?.wake(),
    activity(level, message, refs = {}) {
      const entry = store.activity.add({
        at: clock.now(),
        level,
        message,
        campaignId: refs.campaignId ?? null,
        accountId: refs.accountId ?? null,
      });
      hub.emit('activity', entry);
      log[level](message);
    },
  };

  const tokenKey = tokenKeyLoader(ctx.secrets, log, () => ctx.clock.now());
  // Read per notice: a change in Settings applies to the next bounce without a restart.
  const feedbackPolicy = () => feedbackPolicyOf(readSettings(store).feedback);
  const transports = new TransportCache(ctx, google);
  // A campaign's progress is rebuilt from the ledger only when the hub sends it out (coalesced there).
  const progressChanged = (id: number) =>
    hub.emitLatest('campaign.progress', String(id), () => {
      try {
        return campaignProgress(ctx, sender!, id);
      } catch (err) {
        // A campaign deleted meanwhile has nothing to report; anything else is worth a line in the log.
        if (!(err instanceof AppError && err.code === 'not_found')) log.warn(`progress of campaign ${id} failed`, err);
        return null;
      }
    });
  sender = new Sender({
    ctx,
    transportFor: (a) => transports.get(a),
    prepare: createPreparer(ctx, { tokenKey, oneClickBase }),
    onProgress: progressChanged,
  });
  const outbox = ensureOutboxAccount(ctx);

  // An account that changed (new password, reconnected, removed) gets a fresh transport.
  hub.subscribe((event, payload) => {
    if (event === 'accounts.changed') {
      const id = (payload as { accountId: number | null }).accountId;
      if (id !== null) void transports.invalidate(id);
    }
    if (event === 'campaigns.changed') {
      const id = (payload as { campaignId: number | null }).campaignId;
      if (id !== null) progressChanged(id);
    }
  });

  const feedback = new FeedbackService(ctx, {
    openReader: readerOpener(ctx, google),
    process: createProcessor(ctx, tokenKey, feedbackPolicy),
    ...(opts.feedbackPollMs ? { pollMs: opts.feedbackPollMs } : {}),
  });

  const importer = new Importer(ctx);
  const handlers: Handlers = {
    ...appHandlers(ctx, { version: appVersion(), host: opts.host, oneClickBase }),
    // Verify gets a throwaway transport: closing it must not close the live pool.
    ...accountHandlers(ctx, {
      transportFor: (a) => createTransport(ctx, a, google),
      forget: (id) => transports.invalidate(id),
      revokeGmail: (id) => revokeGrant(ctx.secrets, id, google),
    }),
    ...accountUsageHandler(ctx, () => sender!),
    ...gmailHandlers(ctx, {
      endpoints: google,
      openExternal: opts.openExternal ?? ((url) => log.info(`Open this address to connect Gmail: ${url}`)),
      ...(opts.oauthTimeoutMs ? { timeoutMs: opts.oauthTimeoutMs } : {}),
      onReadGranted: gmailReadGranted(ctx, feedback),
    }),
    ...campaignHandlers(ctx, { defaultPool: () => [outbox.id] }),
    ...campaignReportHandlers(ctx, () => sender!),
    ...campaignDashboardHandlers(ctx, { sender: () => sender! }),
    // A test send shares the account's live connection and usage book with the sender.
    ...campaignTestSendHandlers(ctx, { transportFor: (a) => transports.get(a), usage: () => sender!.usage }),
    ...settingsHandlers(ctx),
    ...recipientsHandlers(ctx, importer),
    ...suppressionsHandlers(ctx),
    ...templatesHandlers(ctx, { tokenKey, oneClickBase }),
    ...attachmentsHandlers(ctx),
    ...outboxHandlers(ctx),
    ...activityHandlers(ctx),
    ...feedbackHandlers(ctx, { service: feedback }),
  };

  let stopped = false;
  return {
    handlers,
    hub,
    store,
    sender,
    files,
    unsubscribe: oneClickUnsubscribe(ctx, tokenKey, feedbackPolicy),
    async start() {
      sender!.start();
      feedback.start();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        await Promise.all([sender!.stop(opts.shutdownTimeoutMs ?? SHUTDOWN_WAIT_MS), feedback.stop()]);
        hub.flushAll();
        // Bounded: a send still hanging after the sender's wait stays `sending` → uncertain next start.
        await Promise.race([transports.closeAll(), new Promise((r) => setTimeout(r, 2_000).unref())]);
        await importer.dispose();
        files.dispose();
      } finally {
        hub.close();
        store.close();
        unlock();
      }
    },
  };
}
