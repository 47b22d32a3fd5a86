// Entry of the headless mode (`npm run serve`): the engine plus the browser UI on loopback.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createEngine } from '../engine/engine';
import { AppError } from '../engine/errors';
import { createLogger } from '../engine/log';
import { makePrivateDir } from '../engine/private-files';
import { createKeychain, KEYCHAIN_SERVICE } from '../engine/secrets/keychain';
import { createDispatcher } from '../rpc/dispatch';
import { parseServeArgs } from './args';
import { startHttpServer } from './http-server';
import { type RunningListener, startUnsubscribeListener } from './unsubscribe-listener';

function rendererDir(): string {
  const dir = process.env.CT_RENDERER_DIR
    ? path.resolve(process.env.CT_RENDERER_DIR)
    : path.resolve(import.meta.dirname, '..', 'renderer');
  if (!fs.existsSync(path.join(dir, 'index.html'))) {
    throw new AppError('not_found', `The user interface is not built (${dir} has no index.html). Run "npm run build".`);
  }
  return dir;
}

async function main() {
  const opts = parseServeArgs(process.argv.slice(2));
  const log = createLogger();
  const dir = rendererDir();
  makePrivateDir(opts.dataDir);
  const engine = await createEngine({
    dataDir: opts.dataDir,
    host: 'headless',
    log,
    // scripts/ct.sh says why there is no keychain where it could not start one.
    secrets: createKeychain(KEYCHAIN_SERVICE, { advice: process.env.CT_KEYCHAIN_ADVICE }),
    openExternal: (url) => console.log(`Open this address in your browser to continue: ${url}`),
    ...(opts.oneClick ? { oneClick: { baseUrl: opts.oneClick.baseUrl } } : {}),
  });
  // Listening before the sender starts: no message carries a link nobody answers yet.
  let unsubscribe: RunningListener | null = null;
  if (opts.oneClick) {
    try {
      unsubscribe = await startUnsubscribeListener({
        host: opts.oneClick.host,
        port: opts.oneClick.port,
        basePath: new URL(opts.oneClick.baseUrl).pathname.replace(/\/+$/, ''),
        unsubscribe: engine.unsubscribe,
        log,
        trustProxy: opts.oneClick.trustProxy,
      });
    } catch (err) {
      await engine.stop();
      const code = (err as { code?: string }).code ?? 'error';
      throw new AppError(
        'conflict',
        `The one-click unsubscribe listener cannot listen on ${opts.oneClick.host}:${opts.oneClick.port} (${code}). ` +
          'Choose another --unsubscribe-listen address.',
      );
    }
  }
  await engine.start();
  const token = crypto.randomBytes(32).toString('base64url');
  const server = await startHttpServer({
    rendererDir: dir,
    port: opts.port,
    token,
    dispatch: createDispatcher(engine.handlers, log),
    hub: engine.hub,
    files: engine.files,
    uploadDir: path.join(opts.dataDir, 'tmp'),
    log,
  });
  console.log(`Campaign Tray is running at ${server.url}`);
  console.log(`Data folder: ${opts.dataDir}`);
  if (unsubscribe && opts.oneClick) {
    console.log(
      `One-click unsubscribe: ${opts.oneClick.baseUrl}/u/… is served on http://${unsubscribe.host}:${unsubscribe.port} ` +
        '(point your reverse proxy there)',
    );
  }
  if (process.env.CT_READY_JSON === '1') {
    console.log(
      `CT_READY ${JSON.stringify({ url: server.url, port: server.port, token, dataDir: opts.dataDir, unsubscribePort: unsubscribe?.port ?? null })}`,
    );
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: stopping`);
    try {
      await unsubscribe?.close();
      await server.close();
      await engine.stop();
      process.exit(0);
    } catch (err) {
      log.error('shutdown failed', err);
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(err instanceof AppError ? err.message : err);
  process.exit(1);
});
