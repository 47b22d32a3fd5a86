// What one send attempt's result means for everything it touches, as one value: the recipient's
// next state, what happens to the account, whether the address is suppressed, whether the attempt
// is taken back from the caps, and the circuit breaker's verdict. Pure: the store commits the whole
// value in one transaction (store/outcomes.ts), so no crash can keep half of it.
//
// The rows of docs/architecture.md's outcome table are the rows of this function's test.
import type { FailureClass, RetryPolicy, WireHandover } from '../../../shared/domain';
import { QUOTA_COOLDOWN_MS, retryDelay, throttleCooldown } from './backoff';

/** What the attempt produced, as the sender saw it. */
export type AttemptResult =
  | { kind: 'delivered' }
  /** Refused or failed, with the class classify.ts gave it and the server's retry hint. */
  | { kind: 'failed'; cls: FailureClass; retryAt: number | null; message: string }
  /** The whole message was handed over and no answer came: it may have been delivered. */
  | { kind: 'interrupted'; message: string; handover: WireHandover }
  /** The keychain holding the account's secret is locked: nothing went out, nobody is at fault. */
  | { kind: 'keychain_locked'; message: string };

export interface ReactionInput {
  result: AttemptResult;
  /** Attempts spent on this recipient before this one. */
  attempts: number;
  retry: RetryPolicy;
  /** This attempt's place in the account's claims (1, 2, 3 … since the app started). */
  claimNo: number;
  now: number;
  account: {
    /** Consecutive throttle episodes, persisted on the account. */
    strikes: number;
    /** How many claims the account had made when its latest throttle episode began (null: none yet). */
    episodeStartClaim: number | null;
  };
  breaker: { streak: number; threshold: number };
  random: () => number;
}

export type RecipientNext =
  | { state: 'sent' }
  /** Back in the queue at `at`; `spendAttempt` false when the message never reached a mailbox. */
  | { state: 'queued'; at: number; spendAttempt: boolean; error: string; errorClass: FailureClass }
  | { state: 'failed'; error: string; errorClass: FailureClass }
  | { state: 'uncertain'; error: string; handover: WireHandover };

export type AccountAction =
  | { kind: 'none' }
  /** A delivery ended a throttle streak. */
  | { kind: 'clear_strikes' }
  /** Throttled (or the keychain is locked): no sends before `until`; `strike` starts a new episode. */
  | { kind: 'cool_down'; until: number; strike: boolean; cause: 'throttle' | 'keychain'; message: string }
  /** The provider's quota is spent: rest until `until`. */
  | { kind: 'rest'; until: number; message: string }
  | { kind: 'needs_reauth'; message: string };

export interface Reaction {
  recipient: RecipientNext;
  account: AccountAction;
  /** The recipient's address goes on the suppression list with this reason. */
  suppress: 'bounced' | null;
  /** The attempt's ledger entry is removed: the provider never counted it. */
  refund: boolean;
  /** The campaign's permanent-failure streak after this attempt, and whether it pauses the campaign. */
  breaker: { streak: number; pause: string | null };
}

const KEEP_STREAK = (streak: number) => ({ streak, pause: null });

export function react(input: ReactionInput): Reaction {
  const { result, now, account, breaker } = input;
  // A send claimed before the current throttle episode began was already on the wire when the
  // provider said "slow down": its answer belongs to that episode, not to a new one.
  const sameEpisode = account.episodeStartClaim !== null && input.claimNo <= account.episodeStartClaim;

  switch (result.kind) {
    case 'delivered':
      return {
        recipient: { state: 'sent' },
        account: account.strikes > 0 && !sameEpisode ? { kind: 'clear_strikes' } : { kind: 'none' },
        suppress: null,
        refund: false,
        breaker: { streak: 0, pause: null },
      };
    case 'interrupted':
      return {
        recipient: { state: 'uncertain', error: result.message, handover: result.handover },
        account: { kind: 'none' },
        suppress: null,
        refund: false,
        breaker: KEEP_STREAK(breaker.streak),
      };
    case 'keychain_locked':
      return {
        recipient: giveBack(now, result.message, 'throttle'),
        account: {
          kind: 'cool_down',
          until: now + KEYCHAIN_RETRY_MS,
          strike: false,
          cause: 'keychain',
          message: result.message,
        },
        suppress: null,
        refund: true,
        breaker: KEEP_STREAK(breaker.streak),
      };
    case 'failed':
      return failed(input, result, sameEpisode);
  }
}

/** How long an account waits when the keychain holding its secret is locked. */
export const KEYCHAIN_RETRY_MS = 5 * 60_000;

function giveBack(now: number, error: string, errorClass: FailureClass): RecipientNext {
  return { state: 'queued', at: now, spendAttempt: false, error, errorClass };
}

function failed(input: ReactionInput, f: Extract<AttemptResult, { kind: 'failed' }>, sameEpisode: boolean): Reaction {
  const { now, breaker } = input;
  const keep = KEEP_STREAK(breaker.streak);
  switch (f.cls) {
    case 'throttle': {
      // One episode is one strike, however many sends were on the wire when it began.
      const account: AccountAction = sameEpisode
        ? { kind: 'none' }
        : {
            kind: 'cool_down',
            until: f.retryAt ?? now + throttleCooldown(input.account.strikes),
            strike: true,
            cause: 'throttle',
            message: f.message,
          };
      return { recipient: giveBack(now, f.message, f.cls), account, suppress: null, refund: true, breaker: keep };
    }
    case 'quota':
      return {
        recipient: giveBack(now, f.message, f.cls),
        account: { kind: 'rest', until: f.retryAt ?? now + QUOTA_COOLDOWN_MS, message: f.message },
        suppress: null,
        refund: true,
        breaker: keep,
      };
    case 'auth':
      return {
        recipient: giveBack(now, f.message, f.cls),
        account: { kind: 'needs_reauth', message: f.message },
        suppress: null,
        refund: true,
        breaker: keep,
      };
    case 'recipient':
    case 'message': {
      const streak = breaker.streak + 1;
      return {
        recipient: { state: 'failed', error: f.message, errorClass: f.cls },
        account: { kind: 'none' },
        suppress: f.cls === 'recipient' ? 'bounced' : null,
        refund: false,
        breaker: streak >= breaker.threshold ? { streak: 0, pause: breakerReason(streak) } : { streak, pause: null },
      };
    }
    case 'transient': {
      const attempt = input.attempts + 1;
      const recipient: RecipientNext =
        attempt >= input.retry.maxAttempts
          ? { state: 'failed', error: `${f.message} (gave up after ${attempt} attempts)`, errorClass: f.cls }
          : {
              state: 'queued',
              at: now + retryDelay(attempt, input.retry, input.random, f.retryAt ? f.retryAt - now : null),
              spendAttempt: true,
              error: f.message,
              errorClass: f.cls,
            };
      return { recipient, account: { kind: 'none' }, suppress: null, refund: false, breaker: keep };
    }
  }
}

export function breakerReason(n: number): string {
  return `Paused automatically: the last ${n} messages were all rejected permanently. Check the failures, fix the template or list, then resume.`;
}
