// Progress events are coalesced per topic: a fast sender cannot flood the renderer, and the
// latest state always arrives.
import { describe, expect, it } from 'vitest';
import { EventHub } from '../../main/engine/events/hub';
import type { EventName, EventPayloads } from '../../shared/contract';
import { type CampaignProgress, emptyCounts } from '../../shared/domain';
import { ManualClock } from '../helpers/manual-clock';

const progress = (campaignId: number, sent: number): CampaignProgress => ({
  campaignId,
  status: 'sending',
  pausedReason: null,
  counts: { ...emptyCounts(), sent },
  total: 1000,
  ratePerMinute: { last1: 0, last10: 0 },
  eta: { state: 'none' },
  waiting: null,
  accounts: [],
  failures: [],
  failureGroups: 0,
  skipped: { suppressed: 0, cancelled: 0 },
  at: 0,
});

function recorder(hub: EventHub) {
  const got: { event: EventName; payload: unknown }[] = [];
  hub.subscribe(<E extends EventName>(event: E, payload: EventPayloads[E]) => got.push({ event, payload }));
  return got;
}

describe('EventHub', () => {
  it('delivers at most one progress per campaign per interval, always ending on the latest', () => {
    const clock = new ManualClock();
    const hub = new EventHub(clock, 250);
    const got = recorder(hub);
    for (let i = 1; i <= 1000; i++) {
      hub.emit('campaign.progress', progress(1, i));
      clock.advance(1); // a send every millisecond
    }
    clock.advance(250);
    const sent = got.map((g) => (g.payload as CampaignProgress).counts.sent);
    expect(got.length).toBeLessThanOrEqual(1000 / 250 + 2);
    expect(sent[0]).toBe(1); // the first goes out at once
    expect(sent.at(-1)).toBe(1000); // the last state is never lost
    expect([...sent].sort((a, b) => a - b)).toEqual(sent);
  });

  it('keeps topics apart: two campaigns each get their own latest state', () => {
    const clock = new ManualClock();
    const hub = new EventHub(clock, 250);
    const got = recorder(hub);
    for (let i = 1; i <= 10; i++) {
      hub.emit('campaign.progress', progress(1, i));
      hub.emit('campaign.progress', progress(2, i * 10));
    }
    clock.advance(300);
    const last = (id: number) =>
      got
        .filter((g) => (g.payload as CampaignProgress).campaignId === id)
        .map((g) => (g.payload as CampaignProgress).counts.sent)
        .at(-1);
    expect(last(1)).toBe(10);
    expect(last(2)).toBe(100);
    expect(got.length).toBe(4);
  });

  it('never coalesces one-off events or the final import progress', () => {
    const clock = new ManualClock();
    const hub = new EventHub(clock, 250);
    const got = recorder(hub);
    hub.emit('account.needsReauth', { accountId: 1, label: 'A', message: 'x' });
    hub.emit('account.needsReauth', { accountId: 2, label: 'B', message: 'y' });
    const base = { importId: 'i', rowsRead: 1, bytesRead: 1, totalBytes: 2 };
    hub.emit('import.progress', { ...base, phase: 'reading' });
    hub.emit('import.progress', { ...base, phase: 'writing' });
    hub.emit('import.progress', { ...base, phase: 'done' });
    expect(got.map((g) => g.event)).toEqual([
      'account.needsReauth',
      'account.needsReauth',
      'import.progress',
      'import.progress',
    ]);
    expect((got.at(-1)!.payload as { phase: string }).phase).toBe('done');
  });

  it('flushAll delivers what is pending (at shutdown) and a broken subscriber does not stop others', () => {
    const clock = new ManualClock();
    const hub = new EventHub(clock, 250);
    hub.subscribe(() => {
      throw new Error('closed socket');
    });
    const got = recorder(hub);
    hub.emit('campaign.progress', progress(1, 1));
    hub.emit('campaign.progress', progress(1, 2));
    hub.flushAll();
    expect(got.map((g) => (g.payload as CampaignProgress).counts.sent)).toEqual([1, 2]);
  });

  it('keys change notices by id, so a burst of changes to several campaigns reaches every one', () => {
    const clock = new ManualClock();
    const hub = new EventHub(clock, 250);
    const got = recorder(hub);
    hub.emit('campaigns.changed', { campaignId: 1 });
    hub.emit('campaigns.changed', { campaignId: 2 });
    hub.emit('campaigns.changed', { campaignId: 3 });
    hub.emit('campaigns.changed', { campaignId: 2 });
    clock.advance(300);
    const ids = got.map((g) => (g.payload as { campaignId: number }).campaignId);
    expect(new Set(ids)).toEqual(new Set([1, 2, 3]));
  });

  it('builds a lazily given payload once per interval, at delivery, from the state at that moment', () => {
    const clock = new ManualClock();
    const hub = new EventHub(clock, 250);
    const got = recorder(hub);
    let sent = 0;
    let builds = 0;
    const build = () => {
      builds++;
      return progress(1, sent);
    };
    for (let i = 0; i < 1000; i++) {
      sent++;
      hub.emitLatest('campaign.progress', '1', build);
      clock.advance(1);
    }
    clock.advance(250);
    // One build at once, then one per interval: never one per send.
    expect(builds).toBe(got.length);
    expect(builds).toBeLessThanOrEqual(1000 / 250 + 2);
    expect(got.map((g) => (g.payload as CampaignProgress).counts.sent).at(-1)).toBe(1000);
  });

  it('shares a topic between emit and emitLatest, skips a build that has nothing to say, and flushes builds', () => {
    const clock = new ManualClock();
    const hub = new EventHub(clock, 250);
    const got = recorder(hub);
    hub.emit('campaign.progress', progress(1, 1));
    hub.emitLatest('campaign.progress', '1', () => progress(1, 2));
    hub.emitLatest('campaign.progress', '2', () => progress(2, 5));
    hub.emitLatest('campaign.progress', '2', () => null);
    clock.advance(100);
    hub.emitLatest('campaign.progress', '1', () => progress(1, 3));
    hub.flushAll();
    expect(
      got.map((g) => [(g.payload as CampaignProgress).campaignId, (g.payload as CampaignProgress).counts.sent]),
    ).toEqual([
      [1, 1],
      [2, 5],
      [1, 3],
    ]);
  });
});
