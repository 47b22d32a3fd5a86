// Every action from every status: the move it makes, or the sentence that refuses it.
import { describe, expect, it } from 'vitest';
import { AppError } from '../../main/engine/errors';
import {
  type CampaignAction,
  deletable,
  editable,
  reopens,
  TRANSITIONS,
  transition,
} from '../../main/engine/policy/lifecycle';
import { CAMPAIGN_STATUSES, type CampaignStatus } from '../../shared/domain';

// action → the status it leads to from each status, or the refusal's words.
const TABLE: Record<CampaignAction, Record<CampaignStatus, CampaignStatus | RegExp>> = {
  start: { draft: 'sending', sending: /already sending/, paused: 'sending', done: /finished/, cancelled: /finished/ },
  pause: {
    draft: /Only a sending/,
    sending: 'paused',
    paused: /already paused/,
    done: /Only a sending/,
    cancelled: /Only a sending/,
  },
  resume: {
    draft: /Only a paused/,
    sending: /already sending/,
    paused: 'sending',
    done: /Only a paused/,
    cancelled: /Only a paused/,
  },
  cancel: {
    draft: 'cancelled',
    sending: 'cancelled',
    paused: 'cancelled',
    done: /already ended/,
    cancelled: /already ended/,
  },
  reopen: {
    draft: /not finished/,
    sending: /not finished/,
    paused: 'sending',
    done: 'sending',
    cancelled: /was cancelled/,
  },
  finish: {
    draft: /Only a sending/,
    sending: 'done',
    paused: /Only a sending/,
    done: /Only a sending/,
    cancelled: /Only a sending/,
  },
  breaker: {
    draft: /Only a sending/,
    sending: 'paused',
    paused: /Only a sending/,
    done: /Only a sending/,
    cancelled: /Only a sending/,
  },
  uncertain: {
    draft: /Only a sending/,
    sending: 'paused',
    paused: /Only a sending/,
    done: /Only a sending/,
    cancelled: /Only a sending/,
  },
  no_account: {
    draft: /Only a sending/,
    sending: 'paused',
    paused: /Only a sending/,
    done: /Only a sending/,
    cancelled: /Only a sending/,
  },
};

const CAUSE: Record<CampaignAction, string> = {
  start: 'user',
  pause: 'user',
  resume: 'user',
  cancel: 'user',
  reopen: 'user',
  finish: 'finished',
  breaker: 'breaker',
  uncertain: 'uncertain',
  no_account: 'no_account',
};

const cases = (Object.keys(TABLE) as CampaignAction[]).flatMap((action) =>
  CAMPAIGN_STATUSES.map((from) => [action, from, TABLE[action][from]] as const),
);

describe('campaign lifecycle table', () => {
  it('covers every action of the policy', () => {
    expect(Object.keys(TABLE).sort()).toEqual(Object.keys(TRANSITIONS).sort());
  });

  it.each(cases)('%s from %s → %s', (action, from, want) => {
    if (typeof want === 'string') {
      expect(transition(action, from)).toEqual({ from, to: want, cause: CAUSE[action] });
      return;
    }
    let err: unknown;
    try {
      transition(action, from);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('conflict');
    expect((err as AppError).message).toMatch(want);
  });

  it.each([
    [{ status: 'done', pausedReason: null }, true],
    [{ status: 'paused', pausedReason: 'Paused automatically: …' }, true],
    [{ status: 'paused', pausedReason: null }, false],
    [{ status: 'sending', pausedReason: null }, false],
    [{ status: 'cancelled', pausedReason: null }, false],
    [{ status: 'draft', pausedReason: null }, false],
  ] as const)('a decision about rows reopens %o: %s', (c, want) => {
    expect(reopens(c)).toBe(want);
  });

  it.each([
    ['draft', true, null],
    ['paused', true, null],
    ['sending', false, /Pause the campaign/],
    ['done', false, /duplicate it/],
    ['cancelled', false, /duplicate it/],
  ] as const)('settings of a %s campaign editable: %s', (status, settings, refusal) => {
    const e = editable(status);
    expect(e.settings).toBe(settings);
    if (refusal) expect(e.refusal).toMatch(refusal);
    else expect(e.refusal).toBeNull();
  });

  it.each(CAMPAIGN_STATUSES)('deleting a %s campaign', (status) => {
    expect(deletable(status) === null).toBe(status !== 'sending');
  });
});
