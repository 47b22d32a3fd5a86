// Per-client token buckets: each client address may make `burst` requests at once and `perSecond`
// more every second after that. The table of clients is bounded, so a flood of addresses cannot
// grow it without end.

export interface BucketLimits {
  burst: number;
  perSecond: number;
  /** Clients remembered at once; past that the longest-idle ones are forgotten (they start full). */
  maxClients: number;
}

export type Take = { ok: true } | { ok: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  at: number;
}

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly limits: BucketLimits) {}

  take(client: string, now: number): Take {
    const { burst, perSecond } = this.limits;
    const prior = this.buckets.get(client);
    const tokens = prior ? Math.min(burst, prior.tokens + ((now - prior.at) / 1000) * perSecond) : burst;
    // Re-inserting keeps the map in order of last use, so the first entries are the longest idle.
    this.buckets.delete(client);
    if (tokens < 1) {
      this.buckets.set(client, { tokens, at: now });
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / perSecond)) };
    }
    this.buckets.set(client, { tokens: tokens - 1, at: now });
    while (this.buckets.size > this.limits.maxClients) {
      this.buckets.delete(this.buckets.keys().next().value as string);
    }
    return { ok: true };
  }

  get size(): number {
    return this.buckets.size;
  }
}
