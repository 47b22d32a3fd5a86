// What one matched feedback message does: a pure decision over the recipient's and campaign's
// facts, committed by the store in one transaction with the record and the reader's cursor.
import type { FeedbackSettings } from '../../../shared/contract';
import type { FeedbackSignal } from '../../../shared/domain';
import type { FeedbackFacts, FeedbackReaction } from '../store/feedback';

export type { FeedbackFacts, FeedbackReaction };

export interface FeedbackPolicy {
  /** Soft bounces of one recipient after which the address is suppressed. */
  softBounceLimit: number;
  /** Hard bounces over sent messages above which a sending campaign pauses. */
  bounceRate: number;
  /** Complaints over sent messages above which a sending campaign pauses (Gmail's bulk rule: 0.3%). */
  complaintRate: number;
  /** Below this many sent messages a rate says nothing yet. */
  minSent: number;
}

/** What the user sets (Settings), in percent; the defaults are the policy's. */
export const DEFAULT_FEEDBACK_SETTINGS: FeedbackSettings = {
  softBounceLimit: 3,
  bounceRatePercent: 5,
  complaintRatePercent: 0.3,
  minSent: 50,
};

export function feedbackPolicyOf(s: FeedbackSettings): FeedbackPolicy {
  return {
    softBounceLimit: s.softBounceLimit,
    bounceRate: s.bounceRatePercent / 100,
    complaintRate: s.complaintRatePercent / 100,
    minSent: s.minSent,
  };
}

export const DEFAULT_FEEDBACK_POLICY: FeedbackPolicy = feedbackPolicyOf(DEFAULT_FEEDBACK_SETTINGS);

/** Which mark a recipient shows when several arrive: the one that matters most to the sender. */
const RANK: Record<FeedbackSignal, number> = {
  auto_reply: 1,
  soft_bounce: 2,
  reply: 3,
  unsubscribe: 4,
  hard_bounce: 5,
  complaint: 6,
};

const pct = (x: number) => `${(x * 100).toFixed(x < 0.01 ? 1 : 0)}%`;

/** True when this one event moves the rate from at or below the threshold to above it. */
function crosses(before: number, sent: number, threshold: number, minSent: number): boolean {
  if (sent < minSent || sent === 0) return false;
  return before / sent <= threshold && (before + 1) / sent > threshold;
}

export function reactToFeedback(f: FeedbackFacts, p: FeedbackPolicy = DEFAULT_FEEDBACK_POLICY): FeedbackReaction {
  const stronger = f.current === null || RANK[f.kind] > RANK[f.current];
  const mark = stronger ? f.kind : null;
  const c = f.campaign;
  const sending = c.status === 'sending';
  // A repeat notice for the same recipient (a second DSN, a resent complaint) moves no rate.
  const firstHard = f.kind === 'hard_bounce' && f.current !== 'hard_bounce';
  const firstComplaint = f.kind === 'complaint' && f.current !== 'complaint';

  switch (f.kind) {
    case 'hard_bounce': {
      const pause =
        sending && firstHard && crosses(c.hardBounced, c.sent, p.bounceRate, p.minSent)
          ? `Paused because ${pct((c.hardBounced + 1) / c.sent)} of sent messages bounced (${c.hardBounced + 1} of ${c.sent}); the list may hold many bad addresses. Check it, then resume.`
          : null;
      return {
        mark,
        countSoftBounce: false,
        suppress: 'bounced',
        pause,
        activity: { level: 'warn', message: `${f.address} bounced (${c.name}); the address is now suppressed` },
      };
    }
    case 'complaint': {
      const pause =
        sending && firstComplaint && crosses(c.complained, c.sent, p.complaintRate, p.minSent)
          ? `Paused because ${pct((c.complained + 1) / c.sent)} of recipients marked the message as spam (${c.complained + 1} of ${c.sent}); Gmail and Yahoo require under 0.3%. Review the list and the message, then resume.`
          : null;
      return {
        mark,
        countSoftBounce: false,
        suppress: 'complained',
        pause,
        activity: { level: 'warn', message: `${f.address} reported ${c.name} as spam; the address is now suppressed` },
      };
    }
    case 'soft_bounce': {
      const count = f.softBounces + 1;
      const limit = count >= p.softBounceLimit;
      return {
        mark,
        countSoftBounce: true,
        suppress: limit ? 'bounced' : null,
        pause: null,
        activity: {
          level: limit ? 'warn' : 'info',
          message: limit
            ? `${f.address} bounced temporarily ${count} times (${c.name}); the address is now suppressed`
            : `${f.address} bounced temporarily (${c.name}); ${count} of ${p.softBounceLimit} before it is suppressed`,
        },
      };
    }
    case 'unsubscribe':
      return {
        mark,
        countSoftBounce: false,
        suppress: 'unsubscribed',
        pause: null,
        activity: {
          level: 'info',
          message: `${f.address} unsubscribed ${f.via === 'one_click' ? 'with the one-click link' : 'by mail'} (${c.name}); the address is now suppressed`,
        },
      };
    case 'reply':
      return {
        mark,
        countSoftBounce: false,
        suppress: null,
        pause: null,
        activity: { level: 'info', message: `${f.address} replied to ${c.name}` },
      };
    case 'auto_reply':
      return {
        mark,
        countSoftBounce: false,
        suppress: null,
        pause: null,
        activity: { level: 'info', message: `Automatic reply from ${f.address} (${c.name})` },
      };
  }
}
