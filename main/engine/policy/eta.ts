// When will a campaign be done? A fluid model of the pool, stepped an hour at a time: each account sends
// at its steady rate (per-minute cap or mean gap, whichever is slower) while the window is open and it is
// not cooling down, never more per step than its hourly cap or what its rolling 24 h leaves. Once the
// ledger has rolled off and cooldowns are over, the pool repeats week by week, so whole weeks are skipped.
import type { CampaignEta, CampaignStatus, Limits, SendWindow } from '../../../shared/domain';
import { DAY, dayCap, HOUR, MINUTE, usageCounts } from './throttle';
import { openIntervals, windowState } from './window';

export interface EtaAccount {
  limits: Limits;
  sends: readonly number[];
  cooldownUntil: number | null;
  usable: boolean;
  kind: string;
  label: string;
}

const STEP = HOUR;
const DAY_STEPS = DAY / STEP;
const WEEK_STEPS = 7 * DAY_STEPS;
const WEEK = WEEK_STEPS * STEP;
/** Sends of step k leave the rolling 24 h at step k + 24; one more slot keeps both apart. */
const RING = DAY_STEPS + 1;
/** Cooldowns further out than this are not waited for step by step. */
const MAX_WARMUP_STEPS = 400 * DAY_STEPS;

/** What held the pool back, by index: the weights below are kept in typed arrays for speed. */
const BINDINGS = [
  'daily limits',
  'hourly limits',
  'per-minute limits',
  'send gaps',
  'send window',
  'cooldowns',
] as const;
const B_DAY = 0;
const B_HOUR = 1;
const B_MINUTE = 2;
const B_GAPS = 3;
const B_WINDOW = 4;
const B_COOLDOWN = 5;
const NB = BINDINGS.length;
const NO_CAP = -1;

interface Sim {
  /** Sends per ms while active. */
  rate: number;
  rateBy: number;
  perHour: number;
  dayCap: number;
  firstHourLeft: number;
  cooldownUntil: number;
  /** Sends in the rolling 24 h at the start of the current step. */
  usedDay: number;
  /** Sends leaving the rolling 24 h at the start of simulated step n, at index n % RING. */
  release: Float64Array;
  // This step's plan: the most it can send, when it may start and must stop, what caps it (NO_CAP if
  // only its rate does) and what keeps it idle before it starts.
  cap: number;
  start: number;
  end: number;
  capBy: number;
  idleBy: number;
}

function simFor(a: EtaAccount, now: number): Sim {
  const { limits } = a;
  const meanGap = (Math.max(0, limits.minGapMs) + Math.max(0, limits.maxGapMs)) / 2;
  const minuteRate = limits.perMinute / MINUTE;
  const gapRate = meanGap > 0 ? 1 / meanGap : Number.POSITIVE_INFINITY;
  const release = new Float64Array(RING);
  let usedDay = 0;
  for (const s of a.sends) {
    if (now - s >= DAY) continue;
    // Counted until the first step that starts after it has left the window.
    const step = Math.min(DAY_STEPS, Math.max(1, Math.ceil((s + DAY - now) / STEP)));
    usedDay += 1;
    release[step % RING]! += 1;
  }
  return {
    rate: Math.min(minuteRate, gapRate),
    rateBy: gapRate < minuteRate ? B_GAPS : B_MINUTE,
    perHour: limits.perHour,
    dayCap: dayCap(limits),
    firstHourLeft: limits.perHour - usageCounts(a.sends, now).lastHour,
    cooldownUntil: a.cooldownUntil ?? Number.NEGATIVE_INFINITY,
    usedDay,
    release,
    cap: 0,
    start: 0,
    end: 0,
    capBy: NO_CAP,
    idleBy: B_WINDOW,
  };
}

/** For each hour of the coming week: where the open time starts in it, and how long it lasts. */
function weekPattern(window: SendWindow | null, now: number): { off: Float64Array; len: Float64Array } {
  const spans = window ? openIntervals(window, now, now + WEEK) : [{ start: now, end: now + WEEK }];
  const off = new Float64Array(WEEK_STEPS);
  const len = new Float64Array(WEEK_STEPS);
  let i = 0;
  for (let k = 0; k < WEEK_STEPS; k++) {
    const a = now + k * STEP;
    const b = a + STEP;
    while (i < spans.length && spans[i]!.end <= a) i++;
    let first = -1;
    for (let j = i; j < spans.length && spans[j]!.start < b; j++) {
      const s = Math.max(a, spans[j]!.start);
      const e = Math.min(b, spans[j]!.end);
      if (e > s) {
        if (first < 0) first = s - a;
        len[k]! += e - s;
      }
    }
    off[k] = Math.max(0, first);
  }
  return { off, len };
}

/**
 * Adds to `into` how the first `span` ms of the step went for one account: idle before it may start,
 * sending at full rate, then stopped by a cap (or idle again once the window closes), in hours.
 */
function weigh(s: Sim, stepStart: number, span: number, into: Float64Array): void {
  const stop = stepStart + span;
  const idle = Math.max(0, Math.min(stop, s.start) - stepStart);
  const capReached = s.capBy === NO_CAP ? Number.POSITIVE_INFINITY : s.start + s.cap / s.rate;
  const sending = Math.max(0, Math.min(stop, s.end, capReached) - s.start);
  into[s.idleBy]! += idle / STEP;
  into[s.rateBy]! += sending / STEP;
  into[s.capBy === NO_CAP ? s.idleBy : s.capBy]! += Math.max(0, span - idle - sending) / STEP;
}

function mostBinding(weights: Float64Array): string | null {
  let best = -1;
  for (let b = 0; b < NB; b++) if (weights[b]! > 0 && (best < 0 || weights[b]! > weights[best]!)) best = b;
  return best < 0 ? null : BINDINGS[best]!;
}

/**
 * Estimates when `remaining` messages will have been sent by the pool, honouring each account's caps (the
 * mean gap (minGap+maxGap)/2 too), cooldowns and the window. Returns null when remaining is 0;
 * { at: Infinity, limitedBy: 'No account can send' } when no account is usable. limitedBy names what
 * binds most: "daily limits", "hourly limits", "per-minute limits", "send gaps", "send window" or
 * "cooldowns". Concurrency is left out: it only matters when a send takes longer than the gap.
 */
export function estimateFinish(input: {
  remaining: number;
  accounts: readonly EtaAccount[];
  window: SendWindow | null;
  now: number;
}): { at: number; limitedBy: string } | null {
  const { remaining, now } = input;
  if (!(remaining > 0)) return null;
  const usable = input.accounts.filter(
    (a) => a.usable && dayCap(a.limits) > 0 && a.limits.perHour > 0 && a.limits.perMinute > 0,
  );
  if (usable.length === 0) return { at: Number.POSITIVE_INFINITY, limitedBy: 'No account can send' };

  const pattern = weekPattern(input.window, now);
  if (pattern.len.every((l) => l === 0)) return { at: Number.POSITIVE_INFINITY, limitedBy: 'send window' };

  const sims = usable.map((a) => simFor(a, now));
  let lastCooldown = now;
  for (const s of sims) {
    const c = s.cooldownUntil;
    if (Number.isFinite(c) && c > lastCooldown && c < now + MAX_WARMUP_STEPS * STEP) lastCooldown = c;
  }
  // From here on the ledger has rolled off and no cooldown is pending: one week looks like the next.
  const steady = Math.ceil((lastCooldown - now) / STEP) + DAY_STEPS + WEEK_STEPS;

  const weights = new Float64Array(NB);
  const stepWeights = new Float64Array(NB);
  // The last week of simulated steps: sends and weights, as rings with running sums.
  const sentRing = new Float64Array(WEEK_STEPS);
  const weightRing = new Float64Array(WEEK_STEPS * NB);
  const weekWeights = new Float64Array(NB);
  let weekSent = 0;
  let left = remaining;
  let k = 0; // hours since now, including skipped weeks

  for (let n = 0; ; n++, k++) {
    if (n >= steady) {
      if (weekSent <= 1e-9) {
        for (let b = 0; b < NB; b++) weights[b]! += weekWeights[b]!;
        return { at: Number.POSITIVE_INFINITY, limitedBy: mostBinding(weights) ?? 'cooldowns' };
      }
      const weeks = Math.ceil(left / weekSent) - 1;
      if (weeks >= 1) {
        left -= weeks * weekSent;
        for (let b = 0; b < NB; b++) weights[b]! += weekWeights[b]! * weeks;
        k += weeks * WEEK_STEPS;
      }
    }

    const stepStart = now + k * STEP;
    const w = k % WEEK_STEPS;
    const openStart = stepStart + pattern.off[w]!;
    const end = openStart + pattern.len[w]!;
    let total = 0;
    for (const s of sims) {
      const slot = n % RING;
      s.usedDay -= s.release[slot]!;
      s.release[slot] = 0;
      const dayLeft = s.dayCap - s.usedDay;
      const hourLeft = n === 0 ? s.firstHourLeft : s.perHour;
      s.end = end;
      s.start = Math.min(Math.max(openStart, s.cooldownUntil), end);
      const byRate = s.rate * (end - s.start);
      s.cap = Math.max(0, Math.min(dayLeft, hourLeft, byRate));
      s.capBy =
        dayLeft <= 0 || (dayLeft < byRate && dayLeft <= hourLeft)
          ? B_DAY
          : hourLeft <= 0 || hourLeft < byRate
            ? B_HOUR
            : NO_CAP;
      s.idleBy = s.cooldownUntil > openStart ? B_COOLDOWN : B_WINDOW;
      total += s.cap;
    }

    stepWeights.fill(0);
    if (total >= left) {
      const x = finishWithin(sims, stepStart, left);
      for (const s of sims) weigh(s, stepStart, x, stepWeights);
      for (let b = 0; b < NB; b++) weights[b]! += weekWeights[b]! + stepWeights[b]!;
      return { at: Math.ceil(stepStart + x), limitedBy: mostBinding(weights) ?? BINDINGS[sims[0]!.rateBy]! };
    }

    for (const s of sims) {
      weigh(s, stepStart, STEP, stepWeights);
      s.usedDay += s.cap;
      s.release[(n + DAY_STEPS) % RING]! += s.cap;
    }
    left -= total;

    // Slide the one-week history; what falls out of it is final.
    const h = n % WEEK_STEPS;
    weekSent += total - sentRing[h]!;
    sentRing[h] = total;
    for (let b = 0; b < NB; b++) {
      const old = weightRing[h * NB + b]!;
      weights[b]! += old;
      weekWeights[b]! += stepWeights[b]! - old;
      weightRing[h * NB + b] = stepWeights[b]!;
    }
  }
}

/** Time into the step at which the pool's sends reach `need` (each account at its rate until its cap). */
function finishWithin(sims: readonly Sim[], stepStart: number, need: number): number {
  const sentBy = (x: number) => {
    let sum = 0;
    for (const s of sims) {
      const active = Math.min(Math.max(0, stepStart + x - s.start), s.end - s.start);
      sum += Math.min(s.cap, s.rate * active);
    }
    return sum;
  };
  let lo = 0;
  let hi = STEP;
  while (hi - lo > 1) {
    const mid = (lo + hi) / 2;
    if (sentBy(mid) >= need - 1e-9) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** What a finish estimate needs to know about its campaign. */
export interface CampaignEtaInput {
  status: CampaignStatus;
  /** Rows still to send (queued or on the wire). */
  remaining: number;
  scheduleAt: number | null;
  window: SendWindow | null;
  now: number;
  /**
   * The pool's estimate (estimateFinish, with the work queued ahead of the campaign); `at` null
   * when it never finishes. Called only for a campaign that is on its way, so a paused one costs
   * no simulation.
   */
  estimate: () => { at: number | null; limitedBy: string } | null;
}

/**
 * Where a campaign's finish stands, as data: only a campaign that is sending has an estimate, and
 * one that must first wait for its start or its window says until when. A paused campaign's clock
 * stops: it gets no estimate that would drift later with every progress event.
 */
export function campaignEta(input: CampaignEtaInput): CampaignEta {
  const { status, remaining, now } = input;
  if (status === 'done' || status === 'cancelled' || !(remaining > 0)) return { state: 'none' };
  if (status === 'draft') return { state: 'draft' };
  if (status === 'paused') return { state: 'paused' };
  const e = input.estimate();
  if (e === null) return { state: 'none' };
  if (e.at === null) return { state: 'blocked', reason: e.limitedBy };
  const { at, limitedBy } = e;
  if (input.scheduleAt !== null && input.scheduleAt > now) {
    return { state: 'scheduled', startsAt: input.scheduleAt, at, limitedBy };
  }
  if (input.window) {
    const w = windowState(input.window, now);
    if (!w.open) return { state: 'window', opensAt: w.opensAt, at, limitedBy };
  }
  return { state: 'running', at, limitedBy };
}
