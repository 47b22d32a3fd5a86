// What every sending contender reports about its own process over the timed stretch.
import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface SendFigures {
  messages: number;
  ms: number;
  perSec: number;
  /** User + system CPU of this process per message. */
  cpuUsPerMsg: number;
  loopP99Ms: number;
  loopMaxMs: number;
}

export async function measure(messages: number, work: () => Promise<void>): Promise<SendFigures> {
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await work();
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  loop.disable();
  return {
    messages,
    ms: Math.round(ms),
    perSec: Math.round((messages / ms) * 1000),
    cpuUsPerMsg: Math.round((cpu.user + cpu.system) / messages),
    loopP99Ms: Math.round(loop.percentile(99) / 1e5) / 10,
    loopMaxMs: Math.round(loop.max / 1e5) / 10,
  };
}
