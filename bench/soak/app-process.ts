// The sending process the soak kills and restarts: the engine on a data folder, driven only
// through the contract over IPC, with its events forwarded. Forked by bench/soak/app.ts.
import { createEngine } from '../../main/engine/engine';
import { silentLogger } from '../../main/engine/log';
import { createDispatcher } from '../../main/rpc/dispatch';
import { FileSecrets } from './file-secrets';

export type AppRequest = { id: number; name: string; input: unknown };
export type AppMessage =
  | { type: 'ready' }
  | { type: 'reply'; id: number; result: unknown }
  | { type: 'event'; event: string; payload: unknown };

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: app-process <dataDir>');
const engine = await createEngine({
  dataDir,
  host: 'electron',
  secrets: new FileSecrets(dataDir),
  log: silentLogger,
  shutdownTimeoutMs: 3_000,
});
await engine.start();
const dispatch = createDispatcher(engine.handlers, silentLogger);
const send = (m: AppMessage) => {
  if (process.connected) process.send?.(m);
};
engine.hub.subscribe((event, payload) => {
  if (event !== 'campaign.progress' && event !== 'import.progress' && event !== 'activity') {
    send({ type: 'event', event, payload });
  }
});
process.on('message', (m: AppRequest) => {
  void dispatch(m.name, m.input).then((result) => send({ type: 'reply', id: m.id, result }));
});
process.on('SIGTERM', () => void engine.stop().then(() => process.exit(0)));
process.on('disconnect', () => void engine.stop().then(() => process.exit(0)));
send({ type: 'ready' });
