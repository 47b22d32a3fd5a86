// The outcome table: every row of docs/architecture.md's table is one row here, by its first
// column, and the test fails if the two lists differ.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { QUOTA_COOLDOWN_MS } from '../../main/engine/policy/backoff';
import {
  type AttemptResult,
  KEYCHAIN_RETRY_MS,
  type Reaction,
  type ReactionInput,
  type RecipientNext,
  react,
} from '../../main/engine/policy/reaction';
import type { FailureClass } from '../../shared/domain';

const MIN = 60_000;
const NOW = Date.UTC(2026, 0, 5, 9, 0, 0);
const failed = (
  cls: Extract<AttemptResult, { kind: 'failed' }>['cls'],
  retryAt: number | null = null,
): AttemptResult => ({
  kind: 'failed',
  cls,
  retryAt,
  message: `${cls} said so`,
});

function input(over: Partial<ReactionInput> & { result: AttemptResult }): ReactionInput {
  return {
    attempts: 0,
    retry: { maxAttempts: 3, baseDelayMs: MIN, maxDelayMs: 10 * MIN },
    claimNo: 10,
    now: NOW,
    account: { strikes: 0, episodeStartClaim: null },
    breaker: { streak: 0, threshold: 10 },
    random: () => 0,
    ...over,
  };
}

const back = (cls: FailureClass): RecipientNext => ({
  state: 'queued',
  at: NOW,
  spendAttempt: false,
  error: `${cls} said so`,
  errorClass: cls,
});
const none = { kind: 'none' } as const;
const noBreak = { streak: 0, pause: null };

const ROWS: [row: string, input: ReactionInput, want: Reaction][] = [
  [
    'delivered',
    input({
      result: { kind: 'delivered' },
      account: { strikes: 2, episodeStartClaim: 4 },
      breaker: { streak: 4, threshold: 10 },
    }),
    {
      recipient: { state: 'sent' },
      account: { kind: 'clear_strikes' },
      suppress: null,
      refund: false,
      breaker: noBreak,
    },
  ],
  [
    'delivered, claimed before the latest throttle',
    input({ result: { kind: 'delivered' }, account: { strikes: 1, episodeStartClaim: 12 } }),
    { recipient: { state: 'sent' }, account: none, suppress: null, refund: false, breaker: noBreak },
  ],
  [
    'throttle',
    input({ result: failed('throttle'), account: { strikes: 2, episodeStartClaim: 3 } }),
    {
      recipient: back('throttle'),
      account: {
        kind: 'cool_down',
        until: NOW + 4 * MIN,
        strike: true,
        cause: 'throttle',
        message: 'throttle said so',
      },
      suppress: null,
      refund: true,
      breaker: noBreak,
    },
  ],
  [
    'throttle with a retry time',
    input({ result: failed('throttle', NOW + 7 * MIN) }),
    {
      recipient: back('throttle'),
      account: {
        kind: 'cool_down',
        until: NOW + 7 * MIN,
        strike: true,
        cause: 'throttle',
        message: 'throttle said so',
      },
      suppress: null,
      refund: true,
      breaker: noBreak,
    },
  ],
  [
    'throttle, claimed before the latest throttle',
    input({ result: failed('throttle'), account: { strikes: 1, episodeStartClaim: 12 } }),
    { recipient: back('throttle'), account: none, suppress: null, refund: true, breaker: noBreak },
  ],
  [
    'quota',
    input({ result: failed('quota') }),
    {
      recipient: back('quota'),
      account: { kind: 'rest', until: NOW + QUOTA_COOLDOWN_MS, message: 'quota said so' },
      suppress: null,
      refund: true,
      breaker: noBreak,
    },
  ],
  [
    'quota with a retry time',
    input({ result: failed('quota', NOW + 90 * MIN) }),
    {
      recipient: back('quota'),
      account: { kind: 'rest', until: NOW + 90 * MIN, message: 'quota said so' },
      suppress: null,
      refund: true,
      breaker: noBreak,
    },
  ],
  [
    'auth',
    input({ result: failed('auth') }),
    {
      recipient: back('auth'),
      account: { kind: 'needs_reauth', message: 'auth said so' },
      suppress: null,
      refund: true,
      breaker: noBreak,
    },
  ],
  [
    'keychain locked',
    input({
      result: { kind: 'keychain_locked', message: 'Unlock the keychain' },
      account: { strikes: 3, episodeStartClaim: null },
    }),
    {
      recipient: {
        state: 'queued',
        at: NOW,
        spendAttempt: false,
        error: 'Unlock the keychain',
        errorClass: 'throttle',
      },
      account: {
        kind: 'cool_down',
        until: NOW + KEYCHAIN_RETRY_MS,
        strike: false,
        cause: 'keychain',
        message: 'Unlock the keychain',
      },
      suppress: null,
      refund: true,
      breaker: noBreak,
    },
  ],
  [
    'recipient',
    input({ result: failed('recipient'), breaker: { streak: 3, threshold: 10 } }),
    {
      recipient: { state: 'failed', error: 'recipient said so', errorClass: 'recipient' },
      account: none,
      suppress: 'bounced',
      refund: false,
      breaker: { streak: 4, pause: null },
    },
  ],
  [
    'message',
    input({ result: failed('message'), breaker: { streak: 0, threshold: 10 } }),
    {
      recipient: { state: 'failed', error: 'message said so', errorClass: 'message' },
      account: none,
      suppress: null,
      refund: false,
      breaker: { streak: 1, pause: null },
    },
  ],
  [
    'recipient or message, the breaker’s threshold reached',
    input({ result: failed('message'), breaker: { streak: 9, threshold: 10 } }),
    {
      recipient: { state: 'failed', error: 'message said so', errorClass: 'message' },
      account: none,
      suppress: null,
      refund: false,
      breaker: { streak: 0, pause: expect.stringMatching(/last 10 messages were all rejected permanently/) },
    },
  ],
  [
    'transient, attempts left',
    input({ result: failed('transient'), attempts: 1, breaker: { streak: 2, threshold: 10 } }),
    {
      // Second attempt: equal jitter over min(max, base * 2) with random 0 → half of 2 minutes.
      recipient: {
        state: 'queued',
        at: NOW + MIN,
        spendAttempt: true,
        error: 'transient said so',
        errorClass: 'transient',
      },
      account: none,
      suppress: null,
      refund: false,
      breaker: { streak: 2, pause: null },
    },
  ],
  [
    'transient with a retry time',
    input({ result: failed('transient', NOW + 8 * MIN) }),
    {
      recipient: {
        state: 'queued',
        at: NOW + 8 * MIN,
        spendAttempt: true,
        error: 'transient said so',
        errorClass: 'transient',
      },
      account: none,
      suppress: null,
      refund: false,
      breaker: noBreak,
    },
  ],
  [
    'transient, last attempt',
    input({ result: failed('transient'), attempts: 2 }),
    {
      recipient: { state: 'failed', error: 'transient said so (gave up after 3 attempts)', errorClass: 'transient' },
      account: none,
      suppress: null,
      refund: false,
      breaker: noBreak,
    },
  ],
  [
    'interrupted',
    input({
      result: { kind: 'interrupted', message: 'no answer after the body', handover: 'smtp_body_sent' },
      breaker: { streak: 5, threshold: 10 },
    }),
    {
      recipient: { state: 'uncertain', error: 'no answer after the body', handover: 'smtp_body_sent' },
      account: none,
      suppress: null,
      refund: false,
      breaker: { streak: 5, pause: null },
    },
  ],
];

/** First-column cells of the outcome table in docs/architecture.md. */
function documentedRows(): string[] {
  const doc = fs.readFileSync(path.resolve(import.meta.dirname, '../../docs/architecture.md'), 'utf8');
  const start = doc.indexOf('<!-- outcome table -->');
  const end = doc.indexOf('<!-- /outcome table -->');
  if (start < 0 || end < 0) throw new Error('docs/architecture.md has no outcome table markers');
  return doc
    .slice(start, end)
    .split('\n')
    .filter((l) => l.trim().startsWith('|'))
    .slice(2)
    .map((l) => l.split('|')[1]!.trim());
}

describe('reaction to one attempt', () => {
  it.each(ROWS)('%s', (_row, given, want) => {
    expect(react(given)).toEqual(want);
  });

  it('has exactly the rows of the table in docs/architecture.md', () => {
    expect(ROWS.map(([row]) => row)).toEqual(documentedRows());
  });

  it('strikes grow each new episode’s cooldown and stop at an hour', () => {
    const until = (strikes: number) => {
      const r = react(input({ result: failed('throttle'), account: { strikes, episodeStartClaim: null } }));
      return r.account.kind === 'cool_down' ? r.account.until - NOW : null;
    };
    expect([0, 1, 2, 3, 4, 5, 6, 10].map(until)).toEqual([1, 2, 4, 8, 16, 32, 60, 60].map((m) => m * MIN));
  });

  it('the claim that began an episode belongs to it; the next claim begins a new one', () => {
    const strikeOf = (claimNo: number) => {
      const r = react(input({ result: failed('throttle'), claimNo, account: { strikes: 1, episodeStartClaim: 12 } }));
      return r.account.kind === 'cool_down' ? r.account.strike : 'none';
    };
    expect([11, 12, 13].map(strikeOf)).toEqual(['none', 'none', true]);
  });
});
