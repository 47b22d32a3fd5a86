// The throttled sender. One planning pass claims every send that the caps, gaps, windows and
// concurrency allow right now, starts them, and sets one timer for the earliest moment anything
// else becomes possible. It wakes at once on new work, resume or account changes.
//
// Per-recipient ledger, never a cursor: claim (lease + Message-ID + ledger row, committed before
// anything goes out) → render and send → commit the outcome the moment the answer arrives. The
// outcome's commit also carries the claims of the sends that take the freed slot, so a steady
// campaign costs one commit per message. A crash between claim and outcome leaves the row in
// `sending`, which the next start turns into `uncertain` — never resent silently.
import type { Account, Campaign, WaitReason } from '../../../shared/domain';
import type { EngineContext } from '../context';
import { AppError } from '../errors';
import { newMessageId } from '../messages/build';
import { classify } from '../policy/classify';
import { type StatusMove, transition } from '../policy/lifecycle';
import { paceAfterDelivery, paceAfterThrottle } from '../policy/pace';
import { type AttemptResult, type Reaction, react } from '../policy/reaction';
import { type Candidate, pickAccount, type RotationState } from '../policy/rotation';
import { headroom, nextSendAt, pickGap, usageCounts } from '../policy/throttle';
import { windowState } from '../policy/window';
import type { Committed } from '../store/outcomes';
import type { Claimed } from '../store/recipients';
import { type OutgoingMessage, type Transport, TransportError } from '../transports/transport';
import { AccountUsageBook } from './account-usage';
import { announceMove, moveCampaign } from './campaign-status';

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

/** A claimed recipient waiting for its claim's commit before it goes out. */
interface Launch {
  claimed: Claimed;
  campaign: Campaign;
  account: Account;
  claimedAt: number;
  /** The claim's number among its account's claims (orders it against throttle episodes). */
  claimNo: number;
}

/** What one planning pass produced. */
interface Pass {
  launches: Launch[];
  /** Planning inside an outcome's commit: status moves wait for a pass of their own. */
  inCommit: boolean;
  /** A pass of its own is needed (a campaign may finish or must pause). */
  again: boolean;
  /** Status moves of a pass of its own, made and announced once its claims have committed. */
  moves: (() => void)[];
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
  private sendingCache: { version: number; list: Campaign[] } | null = null;
  private accountCache: { version: number; byId: Map<number, Account | null> } = { version: -1, byId: new Map() };

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
    const pass: Pass = { launches: [], inCommit: false, again: false, moves: [] };
    try {
      this.ctx.store.recipients.claimTogether(() => this.planInto(pass));
    } catch (err) {
      // Nothing was claimed (disk full, database locked): say so and look again shortly, since no
      // outcome or request may come to wake the sender.
      this.undoClaims(pass);
      this.forgetCaches();
      this.ctx.log.error('Planning the next sends failed', err);
      const now = this.ctx.clock.now();
      this.armTimer(Math.min(this.timerAt, now + PLAN_RETRY_MS), now);
      return;
    }
    this.launchAll(pass);
    for (const move of pass.moves) {
      try {
        move();
      } catch (err) {
        this.ctx.log.error('Changing a campaign’s status failed', err);
      }
    }
  }

  /** Claims whose transaction was rolled back never happened: give their places back. */
  private undoClaims(pass: Pass): void {
    for (const l of pass.launches) this.usage.undoClaim(l.account.id, l.claimedAt);
    pass.launches = [];
  }

  /** One planning pass; claims go into `pass.launches` and start only after their commit. */
  private planInto(pass: Pass): void {
    const now = this.ctx.clock.now();
    let wakeAt = Number.POSITIVE_INFINITY;
    const campaigns = this.sendingCampaigns();
    for (const campaign of campaigns) {
      const next = this.planCampaign(campaign, now, pass);
      if (next < wakeAt) wakeAt = next;
    }
    if (this.waiting.size > campaigns.length) {
      const ids = new Set(campaigns.map((c) => c.id));
      for (const id of [...this.waiting.keys()]) if (!ids.has(id)) this.waiting.delete(id);
    }
    this.armTimer(wakeAt, now);
  }

  /** The campaigns to drain, in the user's order, re-read only after a campaign changed. */
  private sendingCampaigns(): Campaign[] {
    const version = this.ctx.store.versions.campaigns;
    if (this.sendingCache?.version !== version) {
      this.sendingCache = { version, list: this.ctx.store.campaigns.listSending() };
    }
    return this.sendingCache.list;
  }

  /** An account as the planner sees it, re-read only after an account changed. */
  private account(id: number): Account | null {
    const { store } = this.ctx;
    if (this.accountCache.version !== store.versions.accounts) {
      this.accountCache = { version: store.versions.accounts, byId: new Map() };
    }
    let a = this.accountCache.byId.get(id);
    if (a === undefined) {
      a = store.accounts.get(id);
      this.accountCache.byId.set(id, a);
    }
    return a;
  }

  /** Claims what it can for one campaign; returns when to look again (Infinity: on an event). */
  private planCampaign(campaign: Campaign, now: number, pass: Pass): number {
    const { store } = this.ctx;
    const wait = (reason: string, until: number | null) => {
      const prev = this.waiting.get(campaign.id);
      if (prev?.reason !== reason || prev.until !== until) {
        this.waiting.set(campaign.id, { reason, until });
        this.deps.onProgress(campaign.id);
      }
      return until ?? Number.POSITIVE_INFINITY;
    };
    const working = () => {
      if (this.waiting.delete(campaign.id)) this.deps.onProgress(campaign.id);
    };
    if (campaign.scheduleAt !== null && campaign.scheduleAt > now)
      return wait('Scheduled to start', campaign.scheduleAt);
    if (campaign.window) {
      const w = windowState(campaign.window, now);
      if (!w.open) return wait('Outside the send window', w.opensAt);
    }
    const accounts: Account[] = [];
    for (const id of campaign.pool) {
      const a = this.account(id);
      if (a) accounts.push(a);
    }
    /** Nothing is due now: wait for the earliest retry, or finish. */
    const drained = () => {
      const earliest = store.recipients.earliestQueued(campaign.id);
      if (earliest !== null) return wait('Waiting to retry failed attempts', earliest);
      this.waiting.delete(campaign.id);
      // Status moves are made and announced only after the planning transaction committed
      // (recipients.claimTogether here; inside outcomes.commitThen they wait for a pass of their own).
      if (pass.inCommit) pass.again = true;
      else pass.moves.push(() => this.maybeFinish(campaign));
      return Number.POSITIVE_INFINITY;
    };
    if (accounts.length === 0) {
      this.waiting.delete(campaign.id);
      if (pass.inCommit) pass.again = true;
      else pass.moves.push(() => this.pauseWithoutAccount(campaign));
      return Number.POSITIVE_INFINITY;
    }

    for (let claimedAny = false; ; ) {
      const { candidates, blockedUntil, blockers } = this.candidates(accounts, now);
      if (candidates.length === 0) {
        if (claimedAny) return blockedUntil;
        // Nothing can be claimed: is anything due at all?
        const earliest = store.recipients.earliestQueued(campaign.id);
        if (earliest === null || earliest > now) return Math.min(drained(), blockedUntil);
        // Sends on the wire or the pacing gap are normal work, not a reason to show.
        if (blockers.includes('busy') || blockers.includes('gap')) {
          working();
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
      if (!claimed) {
        if (!claimedAny) return drained();
        // Claimed what was due; wake for the next retry (sends ending wake it sooner).
        return store.recipients.earliestQueued(campaign.id) ?? Number.POSITIVE_INFINITY;
      }
      this.rotation.set(campaign.id, { lastAccountId: account.id, lastPosition: accounts.indexOf(account) });
      const claimNo = this.usage.recordClaim(account.id, now, { gapMs: pickGap(account.limits, this.ctx.random) });
      pass.launches.push({ claimed, campaign, account, claimedAt: now, claimNo });
      if (!claimedAny) {
        claimedAny = true;
        working();
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

  /** Starts the sends a committed pass claimed. */
  private launchAll(pass: Pass): void {
    for (const l of pass.launches) this.launch(l);
    if (pass.again) this.wake();
  }

  private launch(l: Launch): void {
    const item: InFlight = { campaignId: l.campaign.id, promise: Promise.resolve() };
    this.inFlight.add(item);
    // run() records every failure it expects; anything else is a bug that must not reject unseen.
    item.promise = this.run(item, l).catch((err) => {
      this.ctx.log.error(`Sending to ${l.claimed.address} failed unexpectedly`, err);
      if (this.inFlight.delete(item)) this.usage.recordDone(l.account.id, l.claimedAt, false);
      this.wake();
    });
    this.deps.onProgress(l.campaign.id);
  }

  /**
   * Sends one claimed message, then commits its reaction together with the next pass's claims:
   * one transaction per send, and the outcome is written the moment the answer arrives.
   */
  private async run(item: InFlight, l: Launch): Promise<void> {
    const { claimed, campaign, account, claimedAt, claimNo } = l;
    const { store, clock } = this.ctx;
    const result = await this.attempt(claimed, campaign, account);
    const now = clock.now();
    const pass: Pass = { launches: [], inCommit: true, again: false, moves: [] };
    let outcome: { reaction: Reaction; breakerMove: StatusMove | null; committed: Committed } | null = null;
    const claims: Pass = { launches: [], inCommit: true, again: false, moves: [] };
    // The reaction changes the sender's memory inside the transaction (the claims planned in it
    // must see the new pace); a rollback puts the memory back with the rows.
    const memory = this.usage.remember(account.id, now);
    const streak = this.permanentStreak.get(campaign.id);
    try {
      const runtime = this.usage.get(account.id, now);
      const reaction = react({
        result,
        attempts: claimed.attempts,
        retry: campaign.retry,
        claimNo,
        now,
        // The row is the truth for a failure (the user may have cleared the cooldown); the mirror
        // only decides whether a delivery has strikes to clear.
        account: {
          strikes: result.kind === 'failed' ? store.accounts.strikes(account.id) : runtime.strikes,
          episodeStartClaim: runtime.episodeStartClaim,
        },
        breaker: { streak: this.permanentStreak.get(campaign.id) ?? 0, threshold: this.deps.breakerThreshold ?? 10 },
        random: this.ctx.random,
      });
      const breakerMove = reaction.breaker.pause ? transition('breaker', 'sending') : null;
      const done = store.outcomes.commitThen(
        {
          recipientId: claimed.id,
          campaignId: campaign.id,
          accountId: account.id,
          address: claimed.address,
          addressKey: claimed.addressKey,
          ledgerId: claimed.ledgerId,
        },
        reaction,
        now,
        breakerMove,
        () => {
          this.inFlight.delete(item);
          this.usage.recordDone(account.id, claimedAt, false);
          this.noteReaction(account, campaign.id, claimNo, reaction, now);
          // The next claims ride in the same commit.
          if (!this.stopping) this.planInto(claims);
        },
      );
      outcome = { reaction, breakerMove, committed: done.committed };
      if (done.nextError) {
        this.ctx.log.error('Planning the next sends failed', done.nextError);
        this.undoClaims(claims);
        this.forgetCaches();
        pass.again = true;
      } else {
        pass.launches = claims.launches;
        pass.again = claims.again;
      }
    } catch (err) {
      // Recording the outcome failed (disk full, database locked). The row stays `sending` and
      // becomes uncertain at the next start: never lost, never sent twice. Its claims are undone.
      this.ctx.log.error(`Could not record the outcome for ${claimed.address}`, err);
      outcome = null;
      this.undoClaims(claims);
      this.usage.restore(account.id, memory, now);
      if (streak === undefined) this.permanentStreak.delete(campaign.id);
      else this.permanentStreak.set(campaign.id, streak);
      this.forgetCaches();
      pass.again = true;
    }
    // Whatever happened inside, this send is off the wire.
    if (this.inFlight.delete(item)) this.usage.recordDone(account.id, claimedAt, false);
    if (outcome?.reaction.refund) this.usage.refund(account.id, claimedAt);
    // The claims committed with this outcome go out before anything that reports it can fail.
    this.launchAll(pass);
    if (outcome) {
      try {
        this.afterCommit(claimed, campaign, account, outcome.reaction, outcome.committed, outcome.breakerMove);
      } catch (err) {
        this.ctx.log.error(`Could not report the outcome for ${claimed.address}`, err);
      }
    }
    this.deps.onProgress(campaign.id);
  }

  /** What the planner read inside a transaction that rolled back is not the database's state. */
  private forgetCaches(): void {
    this.sendingCache = null;
    this.accountCache = { version: -1, byId: new Map() };
  }

  /** Sends one message; whatever happens becomes data for the reaction table. */
  private async attempt(claimed: Claimed, campaign: Campaign, account: Account): Promise<AttemptResult> {
    try {
      const message = await this.deps.prepare(claimed, campaign, account);
      const transport = await this.deps.transportFor(account);
      await transport.send(message);
      return { kind: 'delivered' };
    } catch (err) {
      return attemptResultOf(err, this.ctx.clock.now());
    }
  }

  /** What a reaction means for the sender's memory (before the next claims are planned). */
  private noteReaction(account: Account, campaignId: number, claimNo: number, reaction: Reaction, now: number): void {
    this.permanentStreak.set(campaignId, reaction.breaker.streak);
    const runtime = this.usage.get(account.id, now);
    const a = reaction.account;
    if (a.kind === 'clear_strikes') runtime.strikes = 0;
    // A delivery claimed before the latest episode began went out at the old pace: it says
    // nothing about the new one.
    const beforeEpisode = runtime.episodeStartClaim !== null && claimNo <= runtime.episodeStartClaim;
    if (reaction.recipient.state === 'sent' && !beforeEpisode) {
      runtime.pace = paceAfterDelivery(runtime.pace, account.limits, now);
    }
    if (a.kind === 'cool_down' && a.strike) {
      // A new episode: one strike, and the pace drops below what the provider took in the last
      // minute (this send and the others still on the wire were not taken).
      runtime.strikes += 1;
      runtime.episodeStartClaim = runtime.claims;
      const accepted = usageCounts(runtime.sends, now).lastMinute - runtime.inFlight - 1;
      if (a.cause === 'throttle') runtime.pace = paceAfterThrottle(runtime.pace, accepted, now);
    }
  }

  /** What the committed reaction means for the activity log and the events. */
  private afterCommit(
    claimed: Claimed,
    campaign: Campaign,
    account: Account,
    reaction: Reaction,
    committed: Committed,
    breakerMove: StatusMove | null,
  ): void {
    const refs = { campaignId: campaign.id, accountId: account.id };
    if (reaction.recipient.state === 'uncertain') {
      this.ctx.activity('warn', `${claimed.address}: ${reaction.recipient.error}`, refs);
    }
    const a = reaction.account;
    switch (a.kind) {
      case 'none':
      case 'clear_strikes':
        break;
      case 'cool_down':
      case 'rest': {
        const cause = a.kind === 'rest' ? 'quota' : a.cause;
        this.ctx.activity(
          'warn',
          cause === 'quota'
            ? `${account.label} has used its sending quota; resting until ${iso(a.until)}.`
            : `${account.label} cannot send until ${iso(a.until)}: ${a.message}`,
          refs,
        );
        this.ctx.hub.emit('account.limited', {
          accountId: account.id,
          label: account.label,
          until: a.until,
          cause,
          message: a.message,
        });
        this.ctx.hub.emit('accounts.changed', { accountId: account.id });
        break;
      }
      case 'needs_reauth':
        if (!committed.newlyNeedsReauth) break;
        this.ctx.activity('error', `${account.label} needs to be reconnected: ${a.message}`, refs);
        this.ctx.hub.emit('account.needsReauth', { accountId: account.id, label: account.label, message: a.message });
        this.ctx.hub.emit('accounts.changed', { accountId: account.id });
        break;
    }
    if (committed.paused && breakerMove && reaction.breaker.pause) {
      this.ctx.activity('error', `${campaign.name}: ${reaction.breaker.pause}`, { campaignId: campaign.id });
      announceMove(this.ctx, campaign, breakerMove, reaction.breaker.pause);
    }
  }

  /** Every account left the campaign's pool: it cannot send until the user adds one. */
  private pauseWithoutAccount(campaign: Campaign): void {
    try {
      moveCampaign(this.ctx, campaign, 'no_account', NO_ACCOUNT_REASON);
      this.ctx.activity('warn', `${campaign.name}: ${NO_ACCOUNT_REASON}`, { campaignId: campaign.id });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
    }
  }

  /** Nothing queued and nothing on the wire: done, unless some outcomes are unknown. */
  private maybeFinish(campaign: Campaign): void {
    if ([...this.inFlight].some((f) => f.campaignId === campaign.id)) return;
    const { store } = this.ctx;
    const counts = store.recipients.counts(campaign.id);
    if (counts.queued > 0 || counts.sending > 0) return;
    try {
      if (counts.uncertain > 0) {
        const reason = `${counts.uncertain} message(s) have an unknown outcome after an interruption: resend them or mark them as sent.`;
        moveCampaign(this.ctx, campaign, 'uncertain', reason);
        this.ctx.activity('warn', `${campaign.name}: ${reason}`, { campaignId: campaign.id });
      } else {
        moveCampaign(this.ctx, campaign, 'finish');
        this.ctx.activity(
          'info',
          `${campaign.name} is done: ${counts.sent} sent, ${counts.failed} failed, ${counts.skipped} skipped.`,
          { campaignId: campaign.id },
        );
        this.ctx.hub.emit('campaign.finished', { campaignId: campaign.id, name: campaign.name, counts });
      }
    } catch (err) {
      // The user paused or cancelled it in the same moment: their move stands.
      if (!(err instanceof AppError)) throw err;
    }
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

/** How soon a planning pass that failed is tried again. */
const PLAN_RETRY_MS = 5_000;

const NO_ACCOUNT_REASON =
  'Paused automatically: no sending account is left in this campaign. Add one in its settings, then resume.';

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const iso = (t: number) => new Date(t).toISOString();

/** What a thrown error means as an attempt result. */
function attemptResultOf(err: unknown, now: number): AttemptResult {
  if (err instanceof TransportError) {
    const c = classify(err.failure, now);
    if (err.failure.source === 'interrupted') {
      return { kind: 'interrupted', message: c.message, handover: err.failure.handover };
    }
    return { kind: 'failed', cls: c.cls, retryAt: c.retryAt, message: c.message };
  }
  if (err instanceof AppError) {
    // Not the account's fault and no reconnect helps: rest it briefly and say what to unlock.
    if (err.code === 'keychain_unavailable') return { kind: 'keychain_locked', message: err.message };
    // Anything else that stops the message being built (a missing attachment, a bad unsubscribe
    // URL) is the message's problem.
    return { kind: 'failed', cls: 'message', retryAt: null, message: `The message could not be built: ${err.message}` };
  }
  // An unexpected error before the wire (a bug): retried, bounded by the campaign's max attempts.
  const c = classify({ source: 'network', code: null, message: err instanceof Error ? err.message : String(err) }, now);
  return { kind: 'failed', cls: c.cls, retryAt: c.retryAt, message: c.message };
}
