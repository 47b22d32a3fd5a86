// @vitest-environment happy-dom
// The data layer against a real engine: queries read through the one Client, pushed events keep
// the cache true through the invalidation table, and nothing refetches that an event carried.
import { QueryClient } from '@tanstack/react-query';
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../main/engine/clock';
import { effectRunner } from '../../renderer/src/data/apply-effects';
import { createQueryClient, DataProvider } from '../../renderer/src/data/data-provider';
import { useRequest } from '../../renderer/src/data/hooks';
import { effectsOfEvent, effectsOfMutation } from '../../renderer/src/data/invalidation';
import { emptyCounts } from '../../shared/domain';
import { engineClient } from '../helpers/engine-client';
import { type Harness, startEngine } from '../helpers/engine-harness';

let h: Harness;
beforeAll(async () => {
  h = await startEngine({ clock: systemClock });
});
afterAll(() => h?.close());
afterEach(cleanup);

function CampaignNames() {
  const list = useRequest('campaigns.list', {});
  return (
    <ul>
      {list.data?.map((c) => (
        <li key={c.id}>{c.name}</li>
      ))}
    </ul>
  );
}

function ActivityCount() {
  const a = useRequest('activity.list', { limit: 200 });
  return <p data-testid="activity">{a.data?.map((x) => x.message).join('|') ?? 'loading'}</p>;
}

describe('the invalidation table', () => {
  it('makes every view of a changed campaign stale, and only that campaign', () => {
    const filters = effectsOfEvent('campaigns.changed', { campaignId: 3 }).map((e) => e.filter);
    expect(filters).toEqual(
      expect.arrayContaining([
        ['campaigns.list'],
        ['campaigns.get', { id: 3 }],
        ['campaigns.progress', { id: 3 }],
        ['recipients.list', { campaignId: 3 }],
        ['templates.preview', { campaignId: 3 }],
      ]),
    );
    expect(filters.some((f) => f[1] && Object.values(f[1]).includes(4))).toBe(false);
  });

  it('writes a progress payload into the cache and throttles the lists it touches', () => {
    const p = {
      campaignId: 5,
      status: 'sending' as const,
      pausedReason: null,
      counts: { ...emptyCounts(), sent: 2, queued: 1 },
      total: 3,
      ratePerMinute: { last1: 2, last10: 0.2 },
      eta: { state: 'none' as const },
      waiting: null,
      accounts: [],
      failures: [],
      failureGroups: 0,
      skipped: { suppressed: 0, cancelled: 0 },
      at: 1,
    };
    const effects = effectsOfEvent('campaign.progress', p);
    expect(effects.find((e) => e.kind === 'write' && e.filter[0] === 'campaigns.progress')?.filter).toEqual([
      'campaigns.progress',
      { id: 5 },
    ]);
    const recipients = effects.find((e) => e.filter[0] === 'recipients.list');
    expect(recipients).toMatchObject({ kind: 'invalidate', filter: ['recipients.list', { campaignId: 5 }] });
    expect(recipients?.kind === 'invalidate' && recipients.throttleMs).toBeGreaterThan(0);
  });

  it('covers the requests no event announces', () => {
    expect(effectsOfMutation('suppressions.add', { addresses: ['a@b.c'], reason: 'manual' })[0]?.filter).toEqual([
      'suppressions.list',
    ]);
    expect(effectsOfMutation('app.info', {})).toEqual([]);
  });

  it('refetches a throttled key at once, then at most once per interval with the latest trailing', async () => {
    vi.useFakeTimers();
    try {
      const qc = new QueryClient();
      const spy = vi.spyOn(qc, 'invalidateQueries');
      const runner = effectRunner(qc, () => Date.now());
      const effect = { kind: 'invalidate' as const, filter: ['recipients.list'] as const, throttleMs: 1000 };
      for (let i = 0; i < 10; i++) {
        runner.run([effect]);
        await vi.advanceTimersByTimeAsync(50);
      }
      expect(spy).toHaveBeenCalledTimes(1);
      await vi.advanceTimersByTimeAsync(1000);
      expect(spy).toHaveBeenCalledTimes(2);
      await vi.advanceTimersByTimeAsync(5000);
      expect(spy).toHaveBeenCalledTimes(2);
      runner.stop();
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('queries over the real engine', () => {
  it('shows a campaign created elsewhere, because its event made the list stale', async () => {
    const client = engineClient(h);
    render(
      <DataProvider client={client}>
        <CampaignNames />
      </DataProvider>,
    );
    await waitFor(() => expect(client.calls).toContain('campaigns.list'));
    // Another window (or the tray) creates it: this tree only hears the event.
    await h.call('campaigns.create', { name: 'Made in another window' });
    expect(await screen.findByText('Made in another window')).toBeTruthy();
    expect(client.calls.filter((c) => c === 'campaigns.list').length).toBe(2);
  });

  it('adds a pushed activity entry to the list without asking for it again', async () => {
    const client = engineClient(h);
    const qc = createQueryClient();
    render(
      <DataProvider client={client} queryClient={qc}>
        <ActivityCount />
      </DataProvider>,
    );
    await waitFor(() => expect(screen.getByTestId('activity').textContent).not.toBe('loading'));
    const asked = client.calls.filter((c) => c === 'activity.list').length;
    const c = await h.call('campaigns.create', { name: 'Activity probe' });
    await h.call('campaigns.delete', { id: c.id });
    await waitFor(() => expect(screen.getByTestId('activity').textContent).toMatch(/Activity probe/));
    expect(client.calls.filter((x) => x === 'activity.list').length).toBe(asked);
  });
});
