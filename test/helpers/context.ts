// An engine context over a real SQLite file in a temp folder, for suites that drive one service or
// request handler without starting the whole engine.
import path from 'node:path';
import { type Clock, systemClock } from '../../main/engine/clock';
import type { EngineContext } from '../../main/engine/context';
import { EventHub } from '../../main/engine/events/hub';
import { FileRegistry } from '../../main/engine/files/registry';
import { silentLogger } from '../../main/engine/log';
import { openStore } from '../../main/engine/store';
import type { ActivityEntry, CampaignSettings } from '../../shared/domain';
import { MemorySecrets } from './memory-secrets';

export interface TestContext extends EngineContext {
  secrets: MemorySecrets;
  wakes: number;
  activities: { level: ActivityEntry['level']; message: string }[];
}

/**
 * A real store in `dir`, a real hub; wake and activity are recorded for assertions. The caller
 * closes `hub` and `store`. `hubIntervalMs: 0` delivers coalesced events at once, for suites
 * that read them without moving the clock.
 */
export function testContext(
  dir: string,
  clock: Clock = systemClock,
  opts: { hubIntervalMs?: number } = {},
): TestContext {
  const ctx: TestContext = {
    dataDir: dir,
    store: openStore(path.join(dir, 'db.sqlite')),
    hub: new EventHub(clock, opts.hubIntervalMs),
    clock,
    random: Math.random,
    secrets: new MemorySecrets(),
    log: silentLogger,
    files: new FileRegistry(),
    wakes: 0,
    activities: [],
    wake() {
      ctx.wakes++;
    },
    activity(level, message) {
      ctx.activities.push({ level, message });
    },
  };
  return ctx;
}

export function campaignSettings(name = 'Spring newsletter', over: Partial<CampaignSettings> = {}): CampaignSettings {
  return {
    name,
    template: { subject: 'Hello', body: '<p>Hi</p>', format: 'html', text: null },
    pool: [],
    rotation: 'most_headroom',
    replyTo: null,
    scheduleAt: null,
    window: null,
    retry: { maxAttempts: 5, baseDelayMs: 60_000, maxDelayMs: 3_600_000 },
    unsubscribe: { mailto: null, urlTemplate: null },
    attachments: [],
    fromName: null,
    ...over,
  };
}
