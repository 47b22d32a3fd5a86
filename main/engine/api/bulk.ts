import { BULK_CHUNK } from '../store/recipients';
import { yieldToEventLoop } from '../yield';

/**
 * Repeats a chunked write until it moves fewer rows than a full chunk, yielding to the event
 * loop between chunks so the tray and window stay responsive during large updates.
 */
export async function inChunks(step: () => number): Promise<number> {
  let total = 0;
  for (;;) {
    const n = step();
    total += n;
    if (n < BULK_CHUNK) return total;
    await yieldToEventLoop();
  }
}
