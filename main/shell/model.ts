// What the shell knows of the engine: each campaign's name, status and counts, and the accounts
// that need reconnecting. Loaded with contract requests, then kept current by events; the tray and
// the power guard read it, and hear when it changes.
import type { EventName, EventPayloads } from '../../shared/contract';
import type { CampaignStatus, StateCounts } from '../../shared/domain';
import type { EngineLink } from './engine-link';

export interface CampaignLine {
  id: number;
  name: string;
  status: CampaignStatus;
  pausedReason: string | null;
  counts: StateCounts;
  position: number;
}

export interface ModelLog {
  warn(message: string, detail?: unknown): void;
}

const NO_COUNTS: StateCounts = { queued: 0, sending: 0, sent: 0, failed: 0, skipped: 0, uncertain: 0 };

export class ShellModel {
  readonly campaigns = new Map<number, CampaignLine>();
  /** accountId → label, for accounts whose credentials stopped working. */
  readonly needsReauth = new Map<number, string>();
  private listeners = new Set<() => void>();
  private unsubscribe: (() => void) | null = null;
  /** Counts events, so a list fetched before an event cannot overwrite what the event said. */
  private seq = 0;
  private touched = new Map<number, number>();
  private loads = { campaigns: new Reload(), accounts: new Reload() };
  private closed = false;

  constructor(
    private link: EngineLink,
    private log: ModelLog,
  ) {}

  /** Subscribes first, then loads, so nothing that happens during the load is missed. */
  async start(): Promise<void> {
    this.unsubscribe = this.link.subscribe((event, payload) => this.hear(event, payload));
    await Promise.all([this.reloadCampaigns(), this.reloadAccounts()]);
  }

  stop(): void {
    this.closed = true;
    this.unsubscribe?.();
    this.listeners.clear();
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Campaigns sending now, in the user's order. */
  sending(): CampaignLine[] {
    return [...this.campaigns.values()]
      .filter((c) => c.status === 'sending')
      .sort((a, b) => a.position - b.position || a.id - b.id);
  }

  private hear<E extends EventName>(event: E, payload: EventPayloads[E]): void {
    switch (event) {
      case 'campaign.status': {
        const p = payload as EventPayloads['campaign.status'];
        this.update(p.campaignId, { name: p.name, status: p.to, pausedReason: p.to === 'paused' ? p.reason : null });
        break;
      }
      case 'campaign.progress': {
        const p = payload as EventPayloads['campaign.progress'];
        this.update(p.campaignId, { status: p.status, pausedReason: p.pausedReason, counts: p.counts });
        break;
      }
      case 'campaign.finished': {
        const p = payload as EventPayloads['campaign.finished'];
        this.update(p.campaignId, { name: p.name, status: 'done', pausedReason: null, counts: p.counts });
        break;
      }
      case 'campaigns.changed':
        void this.reloadCampaigns();
        break;
      case 'account.needsReauth': {
        const p = payload as EventPayloads['account.needsReauth'];
        this.needsReauth.set(p.accountId, p.label);
        this.changed();
        break;
      }
      case 'accounts.changed':
        void this.reloadAccounts();
        break;
    }
  }

  private update(id: number, patch: Partial<CampaignLine>): void {
    this.touched.set(id, ++this.seq);
    const known = this.campaigns.get(id);
    if (known) this.campaigns.set(id, { ...known, ...patch });
    else {
      // Not in the last list (created since): keep what the event says, and fetch the rest.
      this.campaigns.set(id, {
        id,
        name: '',
        status: 'draft',
        pausedReason: null,
        counts: NO_COUNTS,
        position: 0,
        ...patch,
      });
      void this.reloadCampaigns();
    }
    this.changed();
  }

  private reloadCampaigns(): Promise<void> {
    return this.loads.campaigns.run(async () => {
      const asked = this.seq;
      const r = await this.link.call('campaigns.list', {});
      if (this.closed) return;
      if (!r.ok) return this.log.warn(`the shell could not list campaigns: ${r.error.message}`);
      const listed = new Set<number>();
      for (const c of r.value) {
        listed.add(c.id);
        // An event newer than the list already said more about this campaign.
        if ((this.touched.get(c.id) ?? 0) > asked) continue;
        this.campaigns.set(c.id, {
          id: c.id,
          name: c.name,
          status: c.status,
          pausedReason: c.pausedReason,
          counts: c.counts,
          position: c.position,
        });
      }
      for (const id of [...this.campaigns.keys()]) {
        if (!listed.has(id) && (this.touched.get(id) ?? 0) <= asked) this.campaigns.delete(id);
      }
      this.changed();
    });
  }

  private reloadAccounts(): Promise<void> {
    return this.loads.accounts.run(async () => {
      const r = await this.link.call('accounts.list', {});
      if (this.closed) return;
      if (!r.ok) return this.log.warn(`the shell could not list accounts: ${r.error.message}`);
      this.needsReauth.clear();
      for (const a of r.value) if (a.status === 'needs_reauth') this.needsReauth.set(a.id, a.label);
      this.changed();
    });
  }

  private changed(): void {
    for (const l of this.listeners) {
      try {
        l();
      } catch (err) {
        this.log.warn('a shell view failed to update', err);
      }
    }
  }
}

/** One load at a time; asks made while one runs collapse into one more load after it. */
class Reload {
  private running: Promise<void> | null = null;
  private again = false;

  run(load: () => Promise<void>): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await load();
        } while (this.again);
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }
}
