// The one table of campaign status changes. Every request handler and the sender ask it before a
// campaign moves; an action the table does not allow from the current status is refused with a
// sentence, never ignored. Pure: the current status comes in, the move (or the refusal) comes out.
//
// A scheduled campaign is `sending` with `scheduleAt` in the future: the planner waits for that
// moment, and pausing or cancelling it works the same as for one already on the wire.
import type { CampaignStatus, CampaignStatusCause } from '../../../shared/domain';
import { AppError } from '../errors';

export type CampaignAction =
  /** The user starts a draft (or a paused campaign, like resume). */
  | 'start'
  | 'pause'
  | 'resume'
  | 'cancel'
  /** A decision about rows (resend uncertain, retry failed, new recipients) gives a finished or engine-paused campaign work again. */
  | 'reopen'
  /** The sender: nothing queued, nothing on the wire, nothing uncertain. */
  | 'finish'
  /** The sender: too many permanent failures in a row. */
  | 'breaker'
  /** The sender: the queue drained but some outcomes are unknown. */
  | 'uncertain'
  /** The sender: no account is left in the campaign's pool. */
  | 'no_account';

interface Rule {
  from: readonly CampaignStatus[];
  to: CampaignStatus;
  cause: CampaignStatusCause;
  /** Why the action cannot happen from any other status, said to the user. */
  refusal: (from: CampaignStatus) => string;
}

const ended = (s: CampaignStatus) => s === 'done' || s === 'cancelled';

export const TRANSITIONS: Readonly<Record<CampaignAction, Rule>> = {
  start: {
    from: ['draft', 'paused'],
    to: 'sending',
    cause: 'user',
    refusal: (s) =>
      s === 'sending' ? 'The campaign is already sending.' : 'This campaign has finished; duplicate it to send again.',
  },
  pause: {
    from: ['sending'],
    to: 'paused',
    cause: 'user',
    refusal: (s) => (s === 'paused' ? 'The campaign is already paused.' : 'Only a sending campaign can be paused.'),
  },
  resume: {
    from: ['paused'],
    to: 'sending',
    cause: 'user',
    refusal: (s) => (s === 'sending' ? 'The campaign is already sending.' : 'Only a paused campaign can be resumed.'),
  },
  cancel: {
    from: ['draft', 'sending', 'paused'],
    to: 'cancelled',
    cause: 'user',
    refusal: () => 'The campaign has already ended.',
  },
  reopen: {
    from: ['done', 'paused'],
    to: 'sending',
    cause: 'user',
    refusal: (s) =>
      s === 'cancelled' ? 'The campaign was cancelled; nothing more is sent for it.' : 'The campaign is not finished.',
  },
  finish: { from: ['sending'], to: 'done', cause: 'finished', refusal: () => 'Only a sending campaign can finish.' },
  breaker: { from: ['sending'], to: 'paused', cause: 'breaker', refusal: () => 'Only a sending campaign can pause.' },
  uncertain: {
    from: ['sending'],
    to: 'paused',
    cause: 'uncertain',
    refusal: () => 'Only a sending campaign can pause.',
  },
  no_account: {
    from: ['sending'],
    to: 'paused',
    cause: 'no_account',
    refusal: () => 'Only a sending campaign can pause.',
  },
};

export interface StatusMove {
  from: CampaignStatus;
  to: CampaignStatus;
  cause: CampaignStatusCause;
}

/** Whether `action` may happen to a campaign in `status`. */
export function allowed(action: CampaignAction, status: CampaignStatus): boolean {
  return TRANSITIONS[action].from.includes(status);
}

/** The move `action` makes from `status`, or an AppError that says why it cannot happen. */
export function transition(action: CampaignAction, status: CampaignStatus): StatusMove {
  const rule = TRANSITIONS[action];
  if (!rule.from.includes(status)) throw new AppError('conflict', rule.refusal(status));
  return { from: status, to: rule.to, cause: rule.cause };
}

/**
 * Whether a decision about rows should set the campaign sending again: a finished one, or one the
 * engine paused (its reason is set). A campaign the user paused stays paused.
 */
export function reopens(c: { status: CampaignStatus; pausedReason: string | null }): boolean {
  return c.status === 'done' || (c.status === 'paused' && c.pausedReason !== null);
}

/** What may change while a campaign is in `status`: its name always; the rest only before it sends or while paused. */
export function editable(status: CampaignStatus): { settings: boolean; refusal: string | null } {
  if (status === 'draft' || status === 'paused') return { settings: true, refusal: null };
  return {
    settings: false,
    refusal: ended(status)
      ? 'This campaign has finished; duplicate it to send again.'
      : 'Pause the campaign before changing its message or settings.',
  };
}

/** A campaign on the wire cannot be deleted: its sends would have nothing to be recorded against. */
export function deletable(status: CampaignStatus): string | null {
  return status === 'sending' ? 'Pause or cancel the campaign before deleting it.' : null;
}
