// The throttled sender. One planning pass claims every send that the caps, gaps, windows and
// concurrency allow right now, starts them, and sets one timer for the earliest moment anything
// else becomes possible. It wakes at once on new work, resume or account changes.
//
// Per-recipient ledger, never a cursor: claim (lease + Message-ID + ledger row, one commit) →
// render and send → commit the outcome. A crash between the two commits leaves the row in
// `sending`, which the next start turns into `uncertain` — never resent silently.
import type { Account, Campaign, WaitReason } from '../../../shared/domain';
import type { EngineContext } from '../context';
import { AppError } from '../errors';
import { newMessageId } from '../messages/build';
import { QUOTA_COOLDOWN_MS, retryDelay, throttleCooldown } from '../policy/backoff';
import { type Classified, classify } from '../policy/classify';
import { type Candidate, pickAccount, type RotationState } from '../policy/rotation';
import { headroom, nextSendAt, pickGap } from '../policy/throttle';
import { windowState } from '../policy/window';
import type { Claimed } from '../store/recipients';
import { type OutgoingMessage, type Transport, TransportError } from '../transports/transport';
import { AccountUsageBook } from './account-usage';

export interface SenderDeps {
  ctx: EngineContext;
  transportFor(account: Account): Promise<Transport>;
  /** Renders and builds the message for one claimed recipient. */
  prepare(claimed: Claimed, campaign: Campaign, account: Account): Promise<OutgoingMessage>;
  /** Called when a campaign's numbers may have changed. */
  onProgress(campaignId: number): void;
  /** Lease length recorded on the row (informational: recovery is by state, not by lease). */
  leaseMs?: number;
  /** Consecutive permanent failures that pause a campaign. */
  breakerThreshold?: number;
}

interface InFlight {
  promise: Promise<void>;
  campaignId: number;
}

export class Sender {
  readonly usage: AccountUsageBook;
  private timerCancel: (() => void) | null = null;
  private timerAt = Number.POSITIVE_INFINITY;
  private planQueued = false;
  private stopping = false;
  private started = false;
  private inFlight = new Set<InFlight>();
  private waiting = new Map<number, WaitReason>();
  private rotation = new Map<number, RotationState>();
  private permanentStreak = new Map<number, number>();

  constructor(private deps: SenderDeps) {
    this.usage = new AccountUsageBook(deps.ctx.store);
  }

  private get ctx() {
    return this.deps.ctx;
  }

  /** Crash recovery, then the first plan. */
  start(): void {
    const { store, clock } = this.ctx;
    const recovered = store.recipients.sendingToUncertain(clock.now());
    if (recovered > 0) {
      this.ctx.activity(
        'warn',
        `${recovered} message(s) were being sent when the app stopped. They are marked uncertain: choose “Resend” or “Mark as sent”.`,
      );
    }
    store.ledger.prune(clock.now());
    this.started = true;
    this.wake();
  }

  /** Plans again soon (coalesced: many wakes in one tick make one pass). */
  wake(): void {
    if (!this.started || this.stopping || this.planQueued) return;
    this.planQueued = true;
    setImmediate(() => {
      this.planQueued = false;
      this.plan();
    });
  }

  waitingReason(campaignId: number): WaitReason | null {
    return this.waiting.get(campaignId) ?? null;
  }

  inFlightCount(): number {
    return this.inFlight.size;
  }

  /** Stops claiming, waits up to `timeoutMs` for sends on the wire, records them. */
  async stop(timeoutMs = 15_000): Promise<void> {
    this.stopping = true;
    this.timerCancel?.();
    this.timerCancel = null;
    const all = Promise.allSettled([...this.inFlight].map((f) => f.promise));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([all, new Promise<void>((r) => (timer = setTimeout(r, timeoutMs)))]);
    clearTimeout(timer);
    // Anything still on the wire stays `sending` and becomes `uncertain` at the next start.
  }

  private plan(): void {
    if (this.stopping) return;
    const { store, clock } = this.ctx;
    const now = clock.now();
    let wakeAt = Number.POSITIVE_INFINITY;
    const seen = new Set<number>();
    for (const campaign of store.campaigns.listSending()) {
      seen.add(campaign.id);
      const next = this.planCampaign(campaign, now);
      if (next < wakeAt) wakeAt = next;
    }
    for (const id of [...this.waiting.keys()]) if (!seen.has(id)) this.waiting.delete(id);
    this.armTimer(wakeAt, now);
  }

  /** Claims what it can for one campaign; returns when to look again (Infinity: on an event). */
  private planCampaign(campaign: Campaign, now: number): number {
    const { store } = this.ctx;
    const wait = (reason: string, until: number | null) => {
      const prev = this.waiting.get(campaign.id);
      if (prev?.reason !== reason || prev.until !== until) {
        this.waiting.set(campaign.id, { reason, until });
        this.deps.onProgress(campaign.id);
      }
      return until ?? Number.POSITIVE_INFINITY;
    };
    if (campaign.scheduleAt !== null && campaign.scheduleAt > now)
      return wait('Scheduled to start', campaign.scheduleAt);
    if (campaign.window) {
      const w = windowState(campaign.window, now);
      if (!w.open) return wait('Outside the send window', w.opensAt);
    }
    const accounts = campaign.pool.map((id) => store.accounts.get(id)).filter((a): a is Account => a !== null);
    if (accounts.length === 0) return wait('No sending account: add one to the campaign', null);

    let claimedAny = false;
    for (;;) {
      const due = store.recipients.nextDue(campaign.id, now);
      if (!due) {
        const earliest = store.recipients.earliestQueued(campaign.id);
        if (earliest !== null) return wait('Waiting to retry failed attempts', earliest);
        this.waiting.delete(campaign.id);
        this.maybeFinish(campaign);
        return Number.POSITIVE_INFINITY;
      }
      const { candidates, blockedUntil, blockers } = this.candidates(accounts, now);
      if (candidates.length === 0) {
        // Sends on the wire or the pacing gap are normal work, not a reason to show.
        if (blockers.includes('busy') || blockers.includes('gap')) {
          if (this.waiting.delete(campaign.id)) this.deps.onProgress(campaign.id);
          return blockedUntil;
        }
        return wait(describeBlock(blockers), Number.isFinite(blockedUntil) ? blockedUntil : null);
      }
      const state = this.rotation.get(campaign.id) ?? { lastAccountId: null };
      const accountId = pickAccount(campaign.rotation, candidates, state);
      const account = accounts.find((a) => a.id === accountId);
      if (!account) return wait('No account can send', null);
      const claimed = store.recipients.claim(campaign.id, account.id, now, this.deps.leaseMs ?? 10 * 60_000, () =>
        newMessageId(account.fromAddress),
      );
      if (!claimed) continue;
      this.rotation.set(campaign.id, { lastAccountId: account.id, lastPosition: accounts.indexOf(account) });
      this.usage.recordClaim(account.id, now, now + pickGap(account.limits, this.ctx.random));
      this.launch(claimed, campaign, account, now);
      if (!claimedAny) {
        claimedAny = true;
        if (this.waiting.delete(campaign.id)) this.deps.onProgress(campaign.id);
      }
    }
  }

  private candidates(accounts: Account[], now: number) {
    const candidates: Candidate[] = [];
    let blockedUntil = Number.POSITIVE_INFINITY;
    const blockers: Blocker[] = [];
    accounts.forEach((a, position) => {
      if (a.status !== 'active') {
        blockers.push(a.status === 'paused' ? 'paused' : 'reauth');
        return;
      }
      const u = this.usage.get(a.id, now);
      const at = nextSendAt(
        a.limits,
        { sends: u.sends, inFlight: u.inFlight, gapUntil: u.gapUntil, cooldownUntil: a.cooldownUntil },
        now,
      );
      if (at <= now) {
        const h = headroom(a.limits, u.sends, now);
        candidates.push({ accountId: a.id, dayLeft: h.day, hourLeft: h.hour, position });
        return;
      }
      blockedUntil = Math.min(blockedUntil, at);
      blockers.push(blockerOf(a, u, now));
    });
    return { candidates, blockedUntil, blockers };
  }

  private launch(claimed: Claimed, campaign: Campaign, account: Account, claimedAt: number): void {
    const item: InFlight = { campaignId: campaign.id, promise: Promise.resolve() };
    item.promise = this.sendOne(claimed, campaign, account, claimedAt)
      .catch((err) => {
        // Recording the outcome failed (disk full, database locked). The row stays `sending`
        // and becomes uncertain at the next start: never lost, never sent twice.
        this.ctx.log.error(`Could not record the outcome for ${claimed.address}`, err);
      })
      .finally(() => {
        this.inFlight.delete(item);
        this.deps.onProgress(campaign.id);
        this.wake();
      });
    this.inFlight.add(item);
    this.deps.onProgress(campaign.id);
  }

  private async sendOne(claimed: Claimed, campaign: Campaign, account: Account, claimedAt: number): Promise<void> {
    const { store, clock } = this.ctx;
    let refund = false;
    try {
      let delivered = false;
      try {
        const message = await this.deps.prepare(claimed, campaign, account);
        const transport = await this.deps.transportFor(account);
        await transport.send(message);
        delivered = true;
      } catch (err) {
        const now = clock.now();
        if (err instanceof TransportError && err.failure.source === 'interrupted') {
          // It may have been delivered: never retried behind the user's back.
          const message = classify(err.failure, now).message;
          store.recipients.markUncertain(claimed.id, { now, error: message });
          this.ctx.activity('warn', `${claimed.address}: ${message}`, {
            campaignId: campaign.id,
            accountId: account.id,
          });
        } else {
          refund = this.recordFailure(claimed, campaign, account, verdictOf(err, now));
        }
      }
      // Outside the send's try: a failure to record a delivered message must not look like a failed send.
      if (delivered) {
        store.recipients.markSent(claimed.id, clock.now());
        store.accounts.clearStrikes(account.id);
        this.permanentStreak.set(campaign.id, 0);
      }
    } finally {
      this.usage.recordDone(account.id, claimedAt, refund);
    }
  }

  /** Commits a failed attempt's outcome; returns true when the attempt is refunded from the caps. */
  private recordFailure(claimed: Claimed, campaign: Campaign, account: Account, v: Classified): boolean {
    const { store, clock } = this.ctx;
    const now = clock.now();
    const refs = { campaignId: campaign.id, accountId: account.id };
    // Refused before delivery: the row goes back with no attempt spent.
    const giveBack = () =>
      store.recipients.requeue(claimed.id, { at: now, now, spendAttempt: false, error: v.message, errorClass: v.cls });
    switch (v.cls) {
      case 'throttle':
      case 'quota': {
        // The provider refused before delivery: the account rests.
        const throttled = v.cls === 'throttle';
        const until =
          v.retryAt ?? now + (throttled ? throttleCooldown(store.accounts.strikes(account.id)) : QUOTA_COOLDOWN_MS);
        giveBack();
        store.accounts.coolDown(account.id, until, v.message, throttled);
        this.ctx.activity(
          'warn',
          throttled
            ? `${account.label} is throttled until ${iso(until)}: ${v.message}`
            : `${account.label} has used its sending quota; resting until ${iso(until)}.`,
          refs,
        );
        this.ctx.hub.emit('accounts.changed', { accountId: account.id });
        return true;
      }
      case 'auth': {
        giveBack();
        if (store.accounts.get(account.id)?.status !== 'needs_reauth') {
          store.accounts.setStatus(account.id, 'needs_reauth', v.message);
          this.ctx.activity('error', `${account.label} needs to be reconnected: ${v.message}`, refs);
          this.ctx.hub.emit('account.needsReauth', { accountId: account.id, label: account.label, message: v.message });
          this.ctx.hub.emit('accounts.changed', { accountId: account.id });
        }
        return true;
      }
      case 'recipient': {
        store.recipients.markFailed(claimed.id, { now, error: v.message, errorClass: v.cls });
        store.suppressions.add(
          [{ address: claimed.address, key: claimed.address.toLowerCase() }],
          'bounced',
          `campaign ${campaign.id}`,
          now,
        );
        this.countPermanent(campaign);
        return false;
      }
      case 'message': {
        store.recipients.markFailed(claimed.id, { now, error: v.message, errorClass: v.cls });
        this.countPermanent(campaign);
        return false;
      }
      case 'transient': {
        const attempt = claimed.attempts + 1;
        if (attempt >= campaign.retry.maxAttempts) {
          store.recipients.markFailed(claimed.id, {
            now,
            error: `${v.message} (gave up after ${attempt} attempts)`,
            errorClass: v.cls,
          });
        } else {
          const delay = retryDelay(attempt, campaign.retry, this.ctx.random, v.retryAt ? v.retryAt - now : null);
          store.recipients.requeue(claimed.id, {
            at: now + delay,
            now,
            spendAttempt: true,
            error: v.message,
            errorClass: v.cls,
          });
        }
        return false;
      }
    }
  }

  private countPermanent(campaign: Campaign): void {
    const n = (this.permanentStreak.get(campaign.id) ?? 0) + 1;
    this.permanentStreak.set(campaign.id, n);
    const threshold = this.deps.breakerThreshold ?? 10;
    if (n < threshold) return;
    const { store, clock } = this.ctx;
    const current = store.campaigns.get(campaign.id);
    if (current?.status !== 'sending') return;
    const reason = `Paused automatically: the last ${n} messages were all rejected permanently. Check the failures, fix the template or list, then resume.`;
    store.campaigns.setStatus(campaign.id, 'paused', reason, clock.now());
    this.permanentStreak.set(campaign.id, 0);
    this.ctx.activity('error', `${campaign.name}: ${reason}`, { campaignId: campaign.id });
    this.ctx.hub.emit('campaigns.changed', { campaignId: campaign.id });
  }

  /** Nothing queued and nothing on the wire: done, unless some outcomes are unknown. */
  private maybeFinish(campaign: Campaign): void {
    if ([...this.inFlight].some((f) => f.campaignId === campaign.id)) return;
    const { store, clock } = this.ctx;
    const counts = store.recipients.counts(campaign.id);
    if (counts.queued > 0 || counts.sending > 0) return;
    if (counts.uncertain > 0) {
      const reason = `${counts.uncertain} message(s) have an unknown outcome after an interruption: resend them or mark them as sent.`;
      if (campaign.pausedReason !== reason) {
        store.campaigns.setStatus(campaign.id, 'paused', reason, clock.now());
        this.ctx.activity('warn', `${campaign.name}: ${reason}`, { campaignId: campaign.id });
      }
    } else {
      store.campaigns.setStatus(campaign.id, 'done', null, clock.now());
      this.ctx.activity(
        'info',
        `${campaign.name} is done: ${counts.sent} sent, ${counts.failed} failed, ${counts.skipped} skipped.`,
        { campaignId: campaign.id },
      );
    }
    this.ctx.hub.emit('campaigns.changed', { campaignId: campaign.id });
    this.deps.onProgress(campaign.id);
  }

  private armTimer(at: number, now: number): void {
    if (at === this.timerAt && this.timerCancel) return;
    this.timerCancel?.();
    this.timerCancel = null;
    this.timerAt = at;
    if (!Number.isFinite(at)) return;
    this.timerCancel = this.ctx.clock.setTimer(
      () => {
        this.timerCancel = null;
        this.timerAt = Number.POSITIVE_INFINITY;
        this.plan();
      },
      Math.max(0, at - now),
    );
  }
}

type Blocker = 'paused' | 'reauth' | 'cooldown' | 'day' | 'hour' | 'minute' | 'gap' | 'busy';

function blockerOf(a: Account, u: { sends: number[]; inFlight: number; gapUntil: number }, now: number): Blocker {
  if (a.cooldownUntil !== null && a.cooldownUntil > now) return 'cooldown';
  const h = headroom(a.limits, u.sends, now);
  if (h.day <= 0) return 'day';
  if (h.hour <= 0) return 'hour';
  if (h.minute <= 0) return 'minute';
  if (u.inFlight >= a.limits.maxConcurrent) return 'busy';
  return 'gap';
}

const BLOCK_TEXT: Record<Blocker, string> = {
  paused: 'every account in the pool is paused',
  reauth: 'every account in the pool needs to be reconnected',
  cooldown: 'the accounts are cooling down after the provider throttled them',
  day: 'all accounts reached their daily limit',
  hour: 'all accounts reached their hourly limit',
  minute: 'all accounts reached their per-minute limit',
  gap: 'pacing the gap between sends',
  busy: 'sends are in progress',
};

/** One sentence for the dashboard, naming the most telling reason. */
function describeBlock(blockers: Blocker[]): string {
  const order: Blocker[] = ['minute', 'hour', 'day', 'cooldown', 'reauth', 'paused'];
  const all = (b: Blocker) => blockers.length > 0 && blockers.every((x) => x === b);
  for (const b of ['paused', 'reauth'] as const) if (all(b)) return cap(BLOCK_TEXT[b]);
  const chosen = order.find((b) => blockers.includes(b)) ?? 'paused';
  return cap(BLOCK_TEXT[chosen]);
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const iso = (t: number) => new Date(t).toISOString();

/** How long an account waits when the keychain holding its password is locked. */
const KEYCHAIN_RETRY_MS = 5 * 60_000;

function verdictOf(err: unknown, now: number): Classified {
  if (err instanceof TransportError) return classify(err.failure, now);
  if (err instanceof AppError) {
    // Anything that stops the message being built (a missing attachment, a bad unsubscribe URL)
    // is the message's problem.
    if (err.code === 'keychain_unavailable') {
      // Not the account's fault and no reconnect helps: rest it briefly and say what to unlock.
      return { cls: 'throttle', retryAt: now + KEYCHAIN_RETRY_MS, message: err.message };
    }
    return { cls: 'message', retryAt: null, message: `The message could not be built: ${err.message}` };
  }
  // An unexpected error before the wire (a bug): retried, bounded by the campaign's max attempts.
  return classify({ source: 'network', code: null, message: err instanceof Error ? err.message : String(err) }, now);
}
