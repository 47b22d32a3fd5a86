import { describe, expect, it } from 'vitest';
import { type CampaignEtaInput, campaignEta, type EtaAccount, estimateFinish } from '../../main/engine/policy/eta';
import type { CampaignEta, Limits, SendWindow } from '../../shared/domain';

const NOW = Date.UTC(2026, 0, 5, 9, 0, 0); // Monday 10:00 in Berlin
const S = 1000;
const MIN = 60 * S;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

const gmail: Limits = {
  perMinute: 20,
  perHour: 400,
  perDay: 400,
  reserve: 0,
  minGapMs: 3000,
  maxGapMs: 8000,
  maxConcurrent: 1,
};
const account = (over: Partial<EtaAccount> = {}, limits: Partial<Limits> = {}): EtaAccount => ({
  limits: { ...gmail, ...limits },
  sends: [],
  cooldownUntil: null,
  usable: true,
  kind: 'gmail',
  label: 'Gmail',
  ...over,
});
const spread = (n: number, from: number, to: number) =>
  Array.from({ length: n }, (_, i) => from + ((to - from) * i) / n);
const berlinOffice: SendWindow = {
  timeZone: 'Europe/Berlin',
  days: [1, 2, 3, 4, 5],
  startMinute: 540,
  endMinute: 1050,
};

type Case = {
  name: string;
  remaining: number;
  accounts: EtaAccount[];
  window?: SendWindow | null;
  now?: number;
  /** Expected finish, as an offset from now, with a tolerance. */
  at: number;
  within: number;
  limitedBy: string;
};

describe('estimateFinish', () => {
  it.each<Case>([
    {
      name: '1,000 left, one consumer Gmail account: a bit over two days, daily limits',
      remaining: 1000,
      accounts: [account()],
      // 400 now, 400 when those leave the rolling 24 h, then 200 at one per 5.5 s.
      at: 2 * DAY + 200 * 5.5 * S,
      within: 2 * S,
      limitedBy: 'daily limits',
    },
    {
      name: '100 left, two accounts of 20/min with 3–8 s gaps: minutes, send gaps',
      remaining: 100,
      accounts: [account(), account({ label: 'Second' })],
      at: 50 * 5.5 * S,
      within: 2 * S,
      limitedBy: 'send gaps',
    },
    {
      name: '100 left, two accounts of 20/min without gaps: per-minute limits',
      remaining: 100,
      accounts: [account({}, { minGapMs: 0, maxGapMs: 1000 }), account({}, { minGapMs: 0, maxGapMs: 1000 })],
      at: 50 * 3 * S,
      within: 2 * S,
      limitedBy: 'per-minute limits',
    },
    {
      name: 'an hourly cap spreads the sends over hours',
      remaining: 200,
      accounts: [account({}, { perHour: 50, perDay: 2000, minGapMs: 3000, maxGapMs: 3000 })],
      at: 3 * HOUR + 50 * 3 * S,
      within: 2 * S,
      limitedBy: 'hourly limits',
    },
    {
      name: 'a spent day waits for the ledger to roll off',
      remaining: 10,
      accounts: [account({ sends: spread(400, NOW - 23 * HOUR - 30 * MIN, NOW - 23 * HOUR) })],
      at: 1 * HOUR + 10 * 5.5 * S,
      within: 2 * S,
      limitedBy: 'daily limits',
    },
    {
      name: 'the reserve is never planned for',
      remaining: 500,
      accounts: [account({}, { perDay: 400, reserve: 150 })],
      at: 1 * DAY + 250 * 5.5 * S,
      within: 2 * S,
      limitedBy: 'daily limits',
    },
    {
      name: 'a cooldown delays the start',
      remaining: 10,
      accounts: [account({ cooldownUntil: NOW + 3 * HOUR })],
      at: 3 * HOUR + 10 * 5.5 * S,
      within: 2 * S,
      limitedBy: 'cooldowns',
    },
    {
      name: 'a closed window waits for Monday morning',
      remaining: 10,
      accounts: [account()],
      window: berlinOffice,
      now: Date.UTC(2026, 0, 10, 12), // Saturday
      at: Date.UTC(2026, 0, 12, 8) - Date.UTC(2026, 0, 10, 12) + 10 * 5.5 * S,
      within: 2 * S,
      limitedBy: 'send window',
    },
    {
      name: 'an open window changes nothing for a short run',
      remaining: 10,
      accounts: [account()],
      window: berlinOffice,
      at: 10 * 5.5 * S,
      within: 2 * S,
      limitedBy: 'send gaps',
    },
    {
      name: 'unusable accounts do not count',
      remaining: 100,
      accounts: [account(), account({ usable: false }), account({}, { perDay: 10, reserve: 10 })],
      at: 100 * 5.5 * S,
      within: 2 * S,
      limitedBy: 'send gaps',
    },
    {
      name: 'a million left with 20 accounts: about 125 days',
      remaining: 1_000_000,
      accounts: Array.from({ length: 20 }, () => account()),
      at: 124 * DAY + 400 * 5.5 * S,
      within: 2 * HOUR,
      limitedBy: 'daily limits',
    },
  ])('$name', ({ remaining, accounts, window, now, at, within, limitedBy }) => {
    const t0 = now ?? NOW;
    const got = estimateFinish({ remaining, accounts, window: window ?? null, now: t0 });
    expect(got).not.toBeNull();
    expect(got!.limitedBy).toBe(limitedBy);
    expect(Math.abs(got!.at - (t0 + at))).toBeLessThanOrEqual(within);
  });

  it.each<
    [
      string,
      { remaining: number; accounts: EtaAccount[]; window: SendWindow | null },
      ReturnType<typeof estimateFinish>,
    ]
  >([
    ['nothing left', { remaining: 0, accounts: [account()], window: null }, null],
    ['nothing left, no accounts', { remaining: 0, accounts: [], window: null }, null],
    [
      'no accounts',
      { remaining: 5, accounts: [], window: null },
      { at: Number.POSITIVE_INFINITY, limitedBy: 'No account can send' },
    ],
    [
      'no usable account',
      { remaining: 5, accounts: [account({ usable: false })], window: null },
      { at: Number.POSITIVE_INFINITY, limitedBy: 'No account can send' },
    ],
    [
      'the reserve takes the whole day',
      { remaining: 5, accounts: [account({}, { perDay: 100, reserve: 100 })], window: null },
      { at: Number.POSITIVE_INFINITY, limitedBy: 'No account can send' },
    ],
    [
      'a window with no days',
      { remaining: 5, accounts: [account()], window: { ...berlinOffice, days: [] } },
      { at: Number.POSITIVE_INFINITY, limitedBy: 'send window' },
    ],
    [
      'every account cooling down for good',
      { remaining: 5, accounts: [account({ cooldownUntil: Number.POSITIVE_INFINITY })], window: null },
      { at: Number.POSITIVE_INFINITY, limitedBy: 'cooldowns' },
    ],
  ])('%s', (_name, input, want) => {
    expect(estimateFinish({ ...input, now: NOW })).toEqual(want);
  });

  it('a window of weekday office hours stretches a long run over weeks', () => {
    // 8.5 h a day at one send per 5.5 s is more than 400, so the daily cap still binds: 400 per weekday.
    const got = estimateFinish({ remaining: 4000, accounts: [account()], window: berlinOffice, now: NOW })!;
    // Ten weekdays from Monday 10:00: the 4000th send goes out in the second week's Friday.
    expect(got.at).toBeGreaterThan(Date.UTC(2026, 0, 16, 8));
    expect(got.at).toBeLessThan(Date.UTC(2026, 0, 17, 0));
    expect(['daily limits', 'send window']).toContain(got.limitedBy);
  });

  it('never finishes earlier when more is left', () => {
    const accounts = [
      account({ sends: spread(150, NOW - 20 * HOUR, NOW) }),
      account({}, { perDay: 1500, perMinute: 30 }),
    ];
    let previous = 0;
    for (const remaining of [1, 2, 5, 10, 50, 100, 500, 1000, 1900, 5000, 20_000, 100_000, 1_000_000]) {
      const got = estimateFinish({ remaining, accounts, window: berlinOffice, now: NOW })!;
      expect(got.at).toBeGreaterThanOrEqual(previous);
      previous = got.at;
    }
  });

  it.each<[string, SendWindow | null]>([
    ['without a window', null],
    ['with a window', berlinOffice],
  ])('answers for a million messages and 20 accounts, %s', (_name, window) => {
    const accounts = Array.from({ length: 20 }, (_, i) =>
      account({
        sends: spread(100 + i * 10, NOW - 23 * HOUR, NOW),
        cooldownUntil: i % 5 === 0 ? NOW + 2 * HOUR : null,
      }),
    );
    // Its speed belongs to the bench: a timing here only measures how busy the machine is.
    const got = estimateFinish({ remaining: 1_000_000, accounts, window, now: NOW });
    expect(Number.isFinite(got!.at)).toBe(true);
    expect(got!.at).toBeGreaterThan(NOW);
  });
});

describe('campaignEta', () => {
  const soon = { at: NOW + HOUR, limitedBy: 'send gaps' };
  // Monday 07:00 in Berlin: before the office window, which opens at 09:00 (NOW is 10:00).
  const early = Date.UTC(2026, 0, 5, 6, 0, 0);
  const opens = Date.UTC(2026, 0, 5, 8, 0, 0);
  type Row = {
    name: string;
    input: Partial<CampaignEtaInput>;
    estimate: { at: number | null; limitedBy: string } | null;
    expected: CampaignEta;
    /** Whether the pool's simulation runs at all: progress is sent often, a paused one is free. */
    simulates: boolean;
  };
  it.each<Row>([
    {
      name: 'sending: done about a time',
      input: {},
      estimate: soon,
      expected: { state: 'running', ...soon },
      simulates: true,
    },
    {
      name: 'paused: no estimate',
      input: { status: 'paused' },
      estimate: soon,
      expected: { state: 'paused' },
      simulates: false,
    },
    { name: 'not started', input: { status: 'draft' }, estimate: soon, expected: { state: 'draft' }, simulates: false },
    { name: 'done', input: { status: 'done' }, estimate: soon, expected: { state: 'none' }, simulates: false },
    {
      name: 'cancelled',
      input: { status: 'cancelled' },
      estimate: soon,
      expected: { state: 'none' },
      simulates: false,
    },
    {
      name: 'nothing left while sending',
      input: { remaining: 0 },
      estimate: soon,
      expected: { state: 'none' },
      simulates: false,
    },
    {
      name: 'nothing left while paused',
      input: { status: 'paused', remaining: 0 },
      estimate: soon,
      expected: { state: 'none' },
      simulates: false,
    },
    {
      name: 'scheduled later: starts then, done after',
      input: { scheduleAt: NOW + DAY },
      estimate: { at: NOW + DAY + HOUR, limitedBy: 'send gaps' },
      expected: { state: 'scheduled', startsAt: NOW + DAY, at: NOW + DAY + HOUR, limitedBy: 'send gaps' },
      simulates: true,
    },
    {
      name: 'scheduled in the past: running',
      input: { scheduleAt: NOW - HOUR },
      estimate: soon,
      expected: { state: 'running', ...soon },
      simulates: true,
    },
    {
      name: 'outside the send window: waits until it opens',
      input: { window: berlinOffice, now: early },
      estimate: { at: opens + HOUR, limitedBy: 'send window' },
      expected: { state: 'window', opensAt: opens, at: opens + HOUR, limitedBy: 'send window' },
      simulates: true,
    },
    {
      name: 'inside the send window: running',
      input: { window: berlinOffice },
      estimate: soon,
      expected: { state: 'running', ...soon },
      simulates: true,
    },
    {
      name: 'no account can send',
      input: {},
      estimate: { at: null, limitedBy: 'No account can send' },
      expected: { state: 'blocked', reason: 'No account can send' },
      simulates: true,
    },
    {
      name: 'no account can send, outside the window too',
      input: { window: berlinOffice, now: early },
      estimate: { at: null, limitedBy: 'No account can send' },
      expected: { state: 'blocked', reason: 'No account can send' },
      simulates: true,
    },
    {
      name: 'paused outside the window: still paused',
      input: { status: 'paused', window: berlinOffice, now: early },
      estimate: soon,
      expected: { state: 'paused' },
      simulates: false,
    },
  ])('$name', ({ input, estimate, expected, simulates }) => {
    let asked = 0;
    const eta = campaignEta({
      status: 'sending',
      remaining: 10,
      scheduleAt: null,
      window: null,
      now: NOW,
      ...input,
      estimate: () => {
        asked++;
        return estimate;
      },
    });
    expect(eta).toEqual(expected);
    expect(asked).toBe(simulates ? 1 : 0);
  });
});
