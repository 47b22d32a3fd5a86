import { describe, expect, it } from 'vitest';
import {
  DEFAULT_FEEDBACK_POLICY,
  type FeedbackFacts,
  type FeedbackReaction,
  reactToFeedback,
} from '../../main/engine/feedback/reaction';

const facts = (
  over: Partial<FeedbackFacts> = {},
  campaign: Partial<FeedbackFacts['campaign']> = {},
): FeedbackFacts => ({
  kind: 'hard_bounce',
  via: 'mailbox',
  address: 'x@example.org',
  current: null,
  softBounces: 0,
  ...over,
  campaign: { name: 'Spring', status: 'sending', sent: 100, hardBounced: 0, complained: 0, ...campaign },
});

type Expect = Partial<Pick<FeedbackReaction, 'mark' | 'countSoftBounce' | 'suppress'>> & { pauses?: boolean };

describe('reactToFeedback', () => {
  it.each<[string, FeedbackFacts, Expect]>([
    ['hard bounce suppresses', facts(), { mark: 'hard_bounce', suppress: 'bounced', pauses: false }],
    ['complaint suppresses', facts({ kind: 'complaint' }, { sent: 10 }), { mark: 'complaint', suppress: 'complained' }],
    [
      'unsubscribe suppresses at once',
      facts({ kind: 'unsubscribe' }),
      { mark: 'unsubscribe', suppress: 'unsubscribed' },
    ],
    ['reply only marks', facts({ kind: 'reply' }), { mark: 'reply', suppress: null }],
    ['auto-reply only marks', facts({ kind: 'auto_reply' }), { mark: 'auto_reply', suppress: null }],
    ['first soft bounce counts', facts({ kind: 'soft_bounce' }), { countSoftBounce: true, suppress: null }],
    [
      'soft bounce at the limit suppresses',
      facts({ kind: 'soft_bounce', softBounces: DEFAULT_FEEDBACK_POLICY.softBounceLimit - 1 }),
      { countSoftBounce: true, suppress: 'bounced', mark: 'soft_bounce' },
    ],
    ['a reply does not hide a bounce', facts({ kind: 'reply', current: 'hard_bounce' }), { mark: null }],
    ['an unsubscribe outranks a reply', facts({ kind: 'unsubscribe', current: 'reply' }), { mark: 'unsubscribe' }],
    ['a reply outranks an auto-reply', facts({ kind: 'reply', current: 'auto_reply' }), { mark: 'reply' }],
    // breaker: 5% of 100 sent is 5; the 6th distinct hard bounce crosses it
    ['5 of 100 is at the threshold', facts({}, { hardBounced: 4 }), { pauses: false }],
    ['6 of 100 crosses it', facts({}, { hardBounced: 5 }), { pauses: true }],
    ['already over: no second pause after a resume', facts({}, { hardBounced: 6 }), { pauses: false }],
    [
      'a repeat bounce of one address moves no rate',
      facts({ current: 'hard_bounce' }, { hardBounced: 5 }),
      { pauses: false },
    ],
    ['too few sent to judge', facts({}, { sent: 49, hardBounced: 10 }), { pauses: false }],
    ['a paused campaign is not paused again', facts({}, { status: 'paused', hardBounced: 5 }), { pauses: false }],
    ['one complaint in 100 crosses 0.3%', facts({ kind: 'complaint' }), { pauses: true }],
    ['complaint before enough sends', facts({ kind: 'complaint' }, { sent: 20 }), { pauses: false }],
  ])('%s', (_, f, e) => {
    const r = reactToFeedback(f);
    if (e.mark !== undefined) expect(r.mark).toBe(e.mark);
    if (e.suppress !== undefined) expect(r.suppress).toBe(e.suppress);
    if (e.countSoftBounce !== undefined) expect(r.countSoftBounce).toBe(e.countSoftBounce);
    if (e.pauses !== undefined) expect(r.pause !== null).toBe(e.pauses);
  });

  it('says why it paused, with the numbers', () => {
    expect(reactToFeedback(facts({}, { hardBounced: 5 })).pause).toBe(
      'Paused because 6% of sent messages bounced (6 of 100); the list may hold many bad addresses. Check it, then resume.',
    );
  });
});
