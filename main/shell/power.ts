// Keeps the computer from suspending the app while a campaign is sending, and notes sleep/wake.
// Nothing needs waking after a resume: the sender runs on timers, timers that came due during
// sleep fire late, and the sender re-plans from the ledger (rolling caps, cooldowns) on that tick.
import type { ShellModel } from './model';

/** Electron's powerSaveBlocker and powerMonitor as the guard needs them (electron-ui.ts adapts them). */
export interface PowerUi {
  /** Starts a blocker that keeps the app running (the screen may still sleep); returns its id. */
  preventAppSuspension(): number;
  release(id: number): void;
  onSleep(listener: () => void): () => void;
  onWake(listener: () => void): () => void;
}

export interface PowerOptions {
  ui: PowerUi;
  model: ShellModel;
  log: { info(message: string): void };
}

export function startPowerGuard(opts: PowerOptions): () => void {
  const { ui, model, log } = opts;
  let blocker: number | null = null;

  function update() {
    const sending = model.sending().length > 0;
    if (sending && blocker === null) blocker = ui.preventAppSuspension();
    else if (!sending && blocker !== null) {
      ui.release(blocker);
      blocker = null;
    }
  }

  const offSleep = ui.onSleep(() => log.info('the computer is going to sleep; sending pauses until it wakes'));
  const offWake = ui.onWake(() => log.info('the computer woke up; the sender re-plans on its next timer'));
  const offChange = model.onChange(update);
  update();

  return () => {
    offChange();
    offSleep();
    offWake();
    if (blocker !== null) ui.release(blocker);
    blocker = null;
  };
}
