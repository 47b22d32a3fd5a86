// Keeps the computer from suspending the app while a campaign is sending, and notes sleep/wake.
// Nothing needs waking after a resume: the sender runs on timers, timers that came due during
// sleep fire late, and the sender re-plans from the ledger (rolling caps, cooldowns) on that tick.
import { powerMonitor, powerSaveBlocker } from 'electron';
import type { EventName } from '../../shared/contract';
import type { EventHub } from '../engine/events/hub';
import type { Logger } from '../engine/log';
import type { Store } from '../engine/store';

export interface PowerOptions {
  store: Store;
  hub: EventHub;
  log: Logger;
}

const STATUS_EVENTS: ReadonlySet<EventName> = new Set<EventName>(['campaigns.changed', 'campaign.progress']);

export function startPowerGuard(opts: PowerOptions): () => void {
  let blocker: number | null = null;

  function update() {
    let sending: boolean;
    try {
      sending = opts.store.campaigns.listSending().length > 0;
    } catch (err) {
      // The database closes during shutdown; the blocker is released by stop() then.
      opts.log.warn('could not read which campaigns are sending', err);
      return;
    }
    if (sending && blocker === null) {
      // 'prevent-app-suspension' keeps the app running but still lets the screen sleep.
      blocker = powerSaveBlocker.start('prevent-app-suspension');
    } else if (!sending && blocker !== null) {
      powerSaveBlocker.stop(blocker);
      blocker = null;
    }
  }

  const onSuspend = () => opts.log.info('the computer is going to sleep; sending pauses until it wakes');
  const onResume = () => {
    opts.log.info('the computer woke up; the sender re-plans on its next timer');
    update();
  };
  powerMonitor.on('suspend', onSuspend);
  powerMonitor.on('resume', onResume);
  const unsubscribe = opts.hub.subscribe((event) => {
    if (STATUS_EVENTS.has(event)) update();
  });
  update();

  return () => {
    unsubscribe();
    powerMonitor.off('suspend', onSuspend);
    powerMonitor.off('resume', onResume);
    if (blocker !== null) powerSaveBlocker.stop(blocker);
    blocker = null;
  };
}
