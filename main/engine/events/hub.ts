// Pushed events with per-topic coalescing: a fast sender emits progress on every send, but each
// subscriber gets at most one payload per topic per interval (the latest), so no renderer floods.
// This is the one place events are coalesced; a payload that is costly to build (a campaign's
// progress) is handed in as a function and built only when it is delivered.
import type { EventName, EventPayloads } from '../../../shared/contract';
import type { Clock } from '../clock';

export type Listener = <E extends EventName>(event: E, payload: EventPayloads[E]) => void;

/** Events whose payloads replace each other; the key says which ones share a topic. */
const COALESCED = {
  'campaign.progress': (p: EventPayloads['campaign.progress']) => String(p.campaignId),
  'import.progress': (p: EventPayloads['import.progress']) => p.importId,
  // Keyed by id: the latest change of one campaign must not hide another's.
  'campaigns.changed': (p: EventPayloads['campaigns.changed']) => String(p.campaignId),
  'accounts.changed': (p: EventPayloads['accounts.changed']) => String(p.accountId),
} satisfies Partial<{ [E in EventName]: (p: EventPayloads[E]) => string }>;

export type CoalescedEvent = keyof typeof COALESCED;

/** A payload, or how to build it at delivery (null: nothing to say any more, e.g. the campaign is gone). */
type Pending = { event: EventName; payload: unknown } | { event: EventName; build: () => unknown };

export class EventHub {
  private listeners = new Set<Listener>();
  private pending = new Map<string, Pending>();
  private lastFlush = new Map<string, number>();
  private timers = new Map<string, () => void>();

  constructor(
    private clock: Clock,
    readonly intervalMs = 250,
  ) {}

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit<E extends EventName>(event: E, payload: EventPayloads[E]): void {
    const keyOf = (COALESCED as Partial<Record<EventName, (p: EventPayloads[E]) => string>>)[event];
    // A final import progress must not be swallowed by coalescing.
    const final = event === 'import.progress' && (payload as EventPayloads['import.progress']).phase === 'done';
    if (!keyOf || final) {
      if (keyOf) this.pending.delete(`${event}:${keyOf(payload)}`);
      this.deliver(event, payload);
      return;
    }
    this.coalesce(`${event}:${keyOf(payload)}`, { event, payload });
  }

  /**
   * Like emit, for a payload worth building only when it goes out: `build` runs at most once per
   * interval for `key` (the same key emit would derive from the payload), always at delivery time.
   * It must not throw (it may run on a timer); null means there is nothing to say any more.
   */
  emitLatest<E extends CoalescedEvent>(event: E, key: string, build: () => EventPayloads[E] | null): void {
    this.coalesce(`${event}:${key}`, { event, build });
  }

  private coalesce(topic: string, item: Pending): void {
    const since = this.clock.now() - (this.lastFlush.get(topic) ?? Number.NEGATIVE_INFINITY);
    if (since >= this.intervalMs && !this.timers.has(topic)) {
      this.lastFlush.set(topic, this.clock.now());
      this.deliverPending(item);
      return;
    }
    this.pending.set(topic, item);
    if (!this.timers.has(topic)) {
      const cancel = this.clock.setTimer(() => this.flush(topic), this.intervalMs - Math.max(0, since));
      this.timers.set(topic, cancel);
    }
  }

  /** Delivers whatever is pending now (used at shutdown so the last state is not lost). */
  flushAll(): void {
    for (const topic of [...this.pending.keys()]) this.flush(topic);
  }

  close(): void {
    for (const cancel of this.timers.values()) cancel();
    this.timers.clear();
    this.pending.clear();
    this.listeners.clear();
  }

  private flush(topic: string) {
    this.timers.get(topic)?.();
    this.timers.delete(topic);
    const item = this.pending.get(topic);
    if (!item) return;
    this.pending.delete(topic);
    this.lastFlush.set(topic, this.clock.now());
    this.deliverPending(item);
  }

  private deliverPending(item: Pending) {
    const payload = 'build' in item ? item.build() : item.payload;
    if (payload !== null) this.deliver(item.event, payload as never);
  }

  private deliver<E extends EventName>(event: E, payload: EventPayloads[E]) {
    for (const l of this.listeners) {
      try {
        l(event, payload);
      } catch {
        // A broken subscriber (closed socket) must not stop the others.
      }
    }
  }
}
