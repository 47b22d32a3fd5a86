/** Where the engine runs: inside the desktop app, or under plain Node behind the headless server. */
export type EngineHost = 'electron' | 'headless';

// What every engine service is given. Built once by engine.ts (the composition root).
import type { ActivityEntry } from '../../shared/domain';
import type { Clock } from './clock';
import type { EventHub } from './events/hub';
import type { FileRegistry } from './files/registry';
import type { Logger } from './log';
import type { SecretStore } from './secrets/secret-store';
import type { Store } from './store';

export interface EngineContext {
  dataDir: string;
  store: Store;
  hub: EventHub;
  clock: Clock;
  random: () => number;
  secrets: SecretStore;
  log: Logger;
  /** Files the shell or the server took in for the page, by opaque id. */
  files: FileRegistry;
  /** Wakes the sender at once: new work, resume, a new or repaired account. */
  wake(): void;
  /** Writes a line to the activity log and pushes it to subscribers. */
  activity(level: ActivityEntry['level'], message: string, refs?: { campaignId?: number; accountId?: number }): void;
}
