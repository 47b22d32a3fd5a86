// A sending engine in its own process, for the crash test: it recovers whatever the last run
// left, sends until killed, and prints READY once its sender runs.
import { createEngine } from '../../main/engine/engine';
import { silentLogger } from '../../main/engine/log';
import { MemorySecrets } from './memory-secrets';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: crash-child <dataDir>');
const engine = await createEngine({ dataDir, host: 'headless', secrets: new MemorySecrets(), log: silentLogger });
await engine.start();
process.stdout.write('READY\n');
engine.hub.subscribe((event, payload) => {
  if (event === 'campaigns.changed') {
    const id = (payload as { campaignId: number | null }).campaignId;
    const c = id === null ? null : engine.store.campaigns.get(id);
    if (c && c.status !== 'sending') process.stdout.write(`STATUS ${c.status}\n`);
  }
});
process.on('SIGTERM', () => void engine.stop().then(() => process.exit(0)));
