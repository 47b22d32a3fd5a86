// The tray, the notifications and the power guard, under Node: a real engine answers their contract
// requests, its hub (or a test feeding events) drives them, and small recording stand-ins take the
// place of Electron's Tray, Notification and powerSaveBlocker, which need the Electron binary.
import { afterEach, describe, expect, it } from 'vitest';
import { type EngineLink, type EventListener, engineLink } from '../../main/shell/engine-link';
import { startLoginItem } from '../../main/shell/login-item';
import { ShellModel } from '../../main/shell/model';
import { type NotifierUi, noteFor, startNotifications } from '../../main/shell/notifications';
import { type PowerUi, startPowerGuard } from '../../main/shell/power';
import { type AppTray, createTray, type TrayMenuItem, type TrayUi } from '../../main/shell/tray';
import type { ShellView } from '../../main/shell/window';
import type { EventName, EventPayloads } from '../../shared/contract';
import type { StateCounts } from '../../shared/domain';
import { addRecipients, type Harness, limits, runUntil, startEngine } from '../helpers/engine-harness';
import type { ManualClock } from '../helpers/manual-clock';

const quiet = { info() {}, warn() {} };
const counts = (p: Partial<StateCounts> = {}): StateCounts => ({
  queued: 0,
  sending: 0,
  sent: 0,
  failed: 0,
  skipped: 0,
  uncertain: 0,
  ...p,
});

class RecordingTray implements TrayUi {
  items: TrayMenuItem[] = [];
  tip = '';
  destroyed = false;
  setMenu(items: TrayMenuItem[]) {
    this.items = items;
  }
  setToolTip(text: string) {
    this.tip = text;
  }
  onClick() {}
  destroy() {
    this.destroyed = true;
  }
  labels(): string[] {
    return this.items.flatMap((i) => (i.type === 'separator' ? [] : [i.label]));
  }
  item(label: string | RegExp) {
    const found = this.items.find(
      (i) => i.type !== 'separator' && (typeof label === 'string' ? i.label === label : label.test(i.label)),
    );
    if (!found || found.type === 'separator') throw new Error(`no menu item ${label} in ${this.labels().join(' | ')}`);
    return found;
  }
}

/** Events pushed by the test, contract requests answered by the real engine's dispatcher. */
function feed(h: Harness): EngineLink & { emit<E extends EventName>(event: E, payload: EventPayloads[E]): void } {
  const listeners = new Set<EventListener>();
  const base = engineLink(h.dispatch, { subscribe: () => () => {} });
  return {
    call: base.call,
    subscribe(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    emit(event, payload) {
      for (const l of listeners) l(event, payload);
    },
  };
}

let h: Harness;
const undo: (() => void)[] = [];
afterEach(async () => {
  for (const u of undo.splice(0).reverse()) u();
  await h?.close();
});

async function campaign(name: string, addresses: string[]) {
  const [outbox] = await h.call('accounts.list', {});
  // One send a minute of virtual time: a started campaign stays `sending` while the test looks.
  await h.call('accounts.update', { id: outbox!.id, limits: limits({ perMinute: 1 }) });
  const c = await h.call('campaigns.create', { name, pool: [outbox!.id] });
  addRecipients(h, c.id, addresses);
  return c;
}

const status = async (id: number) => (await h.call('campaigns.get', { id })).status;

describe('tray menu', () => {
  it('shows what is sending, and pauses and resumes exactly what it paused, through the contract', async () => {
    h = await startEngine();
    const spring = await campaign('Spring', ['a@example.test', 'b@example.test', 'c@example.test']);
    const mine = await campaign('Autumn', ['d@example.test', 'e@example.test']);
    const link = engineLink(h.dispatch, h.engine.hub);
    const model = new ShellModel(link, quiet);
    await model.start();
    const ui = new RecordingTray();
    const opened: (ShellView | undefined)[] = [];
    let tray: AppTray | null = null;
    tray = createTray({
      ui,
      model,
      link,
      clock: h.clock,
      open: (v) => opened.push(v),
      quit() {},
      log: quiet,
      refreshMs: 0,
    });
    undo.push(
      () => tray?.destroy(),
      () => model.stop(),
    );

    expect(ui.labels()).toContain('Nothing is sending');
    expect(ui.item('Pause all sending').enabled).toBe(false);

    await h.call('campaigns.start', { id: spring.id });
    await h.call('campaigns.start', { id: mine.id });
    await h.call('campaigns.pause', { id: mine.id });
    await runUntil(h, () => ui.labels().some((l) => /^Spring: 1 of 3 sent$/.test(l)), 5_000);
    expect(ui.labels()).not.toContain('Nothing is sending');
    expect(ui.labels().some((l) => l.startsWith('Autumn'))).toBe(false);
    expect(ui.tip).toBe('Campaign Tray: sending 1 campaign');

    ui.item('Pause all sending').click!();
    await runUntil(h, () => ui.labels().includes('Resume sending'), 5_000);
    expect(await status(spring.id)).toBe('paused');
    expect(ui.labels()).toContain('Nothing is sending');

    ui.item('Resume sending').click!();
    await runUntil(h, () => ui.labels().includes('Pause all sending') && model.sending().length === 1, 5_000);
    expect(await status(spring.id)).toBe('sending');
    // The campaign the user paused stays paused: the tray resumes only what it paused.
    expect(await status(mine.id)).toBe('paused');

    ui.item('Open Campaign Tray').click!();
    expect(opened).toEqual([undefined]);
    tray.destroy();
    expect(ui.destroyed).toBe(true);
  });

  it('lists accounts that need reconnecting until the account list says they are fine', async () => {
    h = await startEngine();
    const events = feed(h);
    const model = new ShellModel(events, quiet);
    await model.start();
    const ui = new RecordingTray();
    const opened: (ShellView | undefined)[] = [];
    const tray = createTray({
      ui,
      model,
      link: events,
      clock: h.clock,
      open: (v) => opened.push(v),
      quit() {},
      log: quiet,
      refreshMs: 0,
    });
    undo.push(
      () => tray.destroy(),
      () => model.stop(),
    );
    const [outbox] = await h.call('accounts.list', {});

    events.emit('account.needsReauth', {
      accountId: outbox!.id,
      label: 'Work Gmail',
      message: 'Google revoked access.',
    });
    tray.refresh();
    ui.item('Reconnect Work Gmail').click!();
    expect(opened).toEqual(['accounts']);

    // The account list (the engine's truth) has the account active again.
    events.emit('accounts.changed', { accountId: outbox!.id });
    await runUntil(h, () => model.needsReauth.size === 0, 1_000);
    tray.refresh();
    expect(ui.labels().some((l) => l.startsWith('Reconnect'))).toBe(false);
  });

  it('rebuilds the menu at most once per interval while progress streams in', async () => {
    h = await startEngine();
    const events = feed(h);
    const c = await campaign('Spring', ['a@example.test']);
    const model = new ShellModel(events, quiet);
    await model.start();
    let builds = 0;
    const ui = new RecordingTray();
    const setMenu = ui.setMenu.bind(ui);
    ui.setMenu = (items) => {
      builds++;
      setMenu(items);
    };
    const tray = createTray({
      ui,
      model,
      link: events,
      clock: h.clock,
      open() {},
      quit() {},
      log: quiet,
      refreshMs: 1_000,
    });
    undo.push(
      () => tray.destroy(),
      () => model.stop(),
    );
    const clock = h.clock as ManualClock;
    const start = builds;
    for (let sent = 0; sent < 10; sent++) {
      events.emit('campaign.status', {
        campaignId: c.id,
        name: 'Spring',
        from: 'draft',
        to: 'sending',
        cause: 'user',
        reason: null,
      });
      clock.advance(100);
    }
    // Ten changes over 1,000 ms: one rebuild, when the interval since the initial build ran out.
    expect(builds - start).toBe(1);
    events.emit('campaign.status', {
      campaignId: c.id,
      name: 'Spring',
      from: 'draft',
      to: 'sending',
      cause: 'user',
      reason: null,
    });
    clock.advance(999);
    expect(builds - start).toBe(1);
    clock.advance(1);
    expect(builds - start).toBe(2);
    expect(ui.labels()).toContain('Spring: 0 of 1 sent');
  });
});

describe('the shell on a real engine', () => {
  it('follows a campaign to its end: tray, power guard and the "finished" notification from engine events', async () => {
    h = await startEngine();
    const [outbox] = await h.call('accounts.list', {});
    const c = await h.call('campaigns.create', { name: 'Spring', pool: [outbox!.id] });
    addRecipients(h, c.id, ['a@example.test', 'b@example.test']);
    const link = engineLink(h.dispatch, h.engine.hub);
    const model = new ShellModel(link, quiet);
    const shown: { title: string; body: string }[] = [];
    const stopNotes = startNotifications({
      ui: {
        supported: () => true,
        show(note) {
          shown.push(note);
          return { close() {} };
        },
      },
      link,
      clock: h.clock,
      open() {},
      log: quiet,
    });
    await model.start();
    const ui = new RecordingTray();
    const tray = createTray({ ui, model, link, clock: h.clock, open() {}, quit() {}, log: quiet, refreshMs: 0 });
    const blockers = new Set<number>();
    let blocked = 0;
    const stopPower = startPowerGuard({
      ui: {
        preventAppSuspension: () => {
          blockers.add(++blocked);
          return blocked;
        },
        release: (id) => blockers.delete(id),
        onSleep: () => () => {},
        onWake: () => () => {},
      },
      model,
      log: quiet,
    });
    undo.push(
      stopNotes,
      stopPower,
      () => tray.destroy(),
      () => model.stop(),
    );

    await h.call('campaigns.start', { id: c.id });
    expect(blockers.size).toBe(1);
    await runUntil(h, () => shown.length > 0, 60_000);
    expect(shown).toEqual([{ title: '“Spring” finished', body: '2 sent' }]);
    expect(model.campaigns.get(c.id)).toMatchObject({ status: 'done', counts: { sent: 2 } });
    expect(blockers.size).toBe(0);
    expect(blocked).toBe(1);
    await runUntil(h, () => ui.labels().includes('Nothing is sending'), 5_000);
  });
});

describe('shell model', () => {
  it('keeps what an event said over a campaign list fetched before it', async () => {
    h = await startEngine();
    const events = feed(h);
    const c = await campaign('Spring', ['a@example.test']);
    await h.call('campaigns.start', { id: c.id });
    const model = new ShellModel(events, quiet);
    await model.start();
    expect(model.campaigns.get(c.id)?.status).toBe('sending');

    // The list is read when asked (still `sending`); the breaker's event arrives before it resolves.
    events.emit('campaigns.changed', { campaignId: c.id });
    events.emit('campaign.status', {
      campaignId: c.id,
      name: 'Spring',
      from: 'sending',
      to: 'paused',
      cause: 'breaker',
      reason: 'Paused automatically.',
    });
    await runUntil(h, () => model.sending().length === 0, 1_000);
    await h.settle();
    expect(model.campaigns.get(c.id)).toMatchObject({ status: 'paused', pausedReason: 'Paused automatically.' });
  });

  it('learns of a campaign from its first event, and drops one the list no longer has', async () => {
    h = await startEngine();
    const events = feed(h);
    const model = new ShellModel(events, quiet);
    await model.start();
    const c = await campaign('Spring', ['a@example.test']);
    events.emit('campaign.finished', { campaignId: c.id, name: 'Spring', counts: counts({ sent: 1 }) });
    expect(model.campaigns.get(c.id)).toMatchObject({ name: 'Spring', status: 'done', counts: { sent: 1 } });
    await h.call('campaigns.delete', { id: c.id });
    events.emit('campaigns.changed', { campaignId: null });
    await runUntil(h, () => !model.campaigns.has(c.id), 1_000);
  });
});

describe('power guard', () => {
  it('blocks app suspension exactly while a campaign is sending', async () => {
    h = await startEngine();
    const events = feed(h);
    const c = await campaign('Spring', ['a@example.test']);
    await h.call('campaigns.start', { id: c.id });
    const model = new ShellModel(events, quiet);
    await model.start();
    const active = new Set<number>();
    let next = 0;
    const sleepers: (() => void)[] = [];
    const ui: PowerUi = {
      preventAppSuspension: () => {
        active.add(++next);
        return next;
      },
      release: (id) => {
        if (!active.delete(id)) throw new Error(`released ${id} twice`);
      },
      onSleep: (l) => {
        sleepers.push(l);
        return () => sleepers.splice(sleepers.indexOf(l), 1);
      },
      onWake: () => () => {},
    };
    const stop = startPowerGuard({ ui, model, log: quiet });
    undo.push(() => model.stop());
    expect(active.size).toBe(1);
    expect(sleepers).toHaveLength(1);

    const status = (from: 'sending' | 'paused', to: 'sending' | 'paused') =>
      events.emit('campaign.status', { campaignId: c.id, name: 'Spring', from, to, cause: 'user', reason: null });
    status('sending', 'paused');
    expect(active.size).toBe(0);
    status('paused', 'sending');
    status('paused', 'sending');
    expect([...active]).toEqual([2]);
    stop();
    expect(active.size).toBe(0);
    expect(sleepers).toHaveLength(0);
  });
});

describe('notifications', () => {
  const status = (p: Partial<EventPayloads['campaign.status']>): EventPayloads['campaign.status'] => ({
    campaignId: 1,
    name: 'Spring',
    from: 'sending',
    to: 'paused',
    cause: 'breaker',
    reason: 'The last 10 messages were all rejected.',
    ...p,
  });
  const limited = (p: Partial<EventPayloads['account.limited']>): EventPayloads['account.limited'] => ({
    accountId: 2,
    label: 'Work Gmail',
    until: Date.UTC(2026, 0, 6),
    cause: 'quota',
    message: 'The daily quota is spent; sending resumes tomorrow.',
    ...p,
  });

  it.each<[string, EventName, EventPayloads[EventName], { title: string; body: string; view: ShellView } | null]>([
    [
      'a finished campaign',
      'campaign.finished',
      { campaignId: 1, name: 'Spring', counts: counts({ sent: 98, failed: 2 }) },
      { title: '“Spring” finished', body: '98 sent, 2 failed', view: 'campaigns' },
    ],
    [
      'the breaker',
      'campaign.status',
      status({}),
      { title: '“Spring” was paused', body: 'The last 10 messages were all rejected.', view: 'campaigns' },
    ],
    ['a pause by the user', 'campaign.status', status({ cause: 'user', reason: null }), null],
    ['a resume', 'campaign.status', status({ from: 'paused', to: 'sending', cause: 'user', reason: null }), null],
    [
      'unknown outcomes, no reason given',
      'campaign.status',
      status({ cause: 'uncertain', reason: null }),
      { title: '“Spring” was paused', body: 'Open the campaign to see why and resume it.', view: 'campaigns' },
    ],
    [
      'an account to reconnect',
      'account.needsReauth',
      { accountId: 2, label: 'Work Gmail', message: 'Google revoked access.' },
      { title: 'Reconnect Work Gmail', body: 'Google revoked access.', view: 'accounts' },
    ],
    [
      'a spent quota',
      'account.limited',
      limited({}),
      {
        title: 'Work Gmail cannot send for now',
        body: 'The daily quota is spent; sending resumes tomorrow.',
        view: 'accounts',
      },
    ],
    ['a throttle', 'account.limited', limited({ cause: 'throttle' }), null],
    ['progress', 'campaigns.changed', { campaignId: 1 }, null],
  ])('%s', (_what, event, payload, expected) => {
    expect(noteFor(event, payload)).toEqual(expected);
  });

  it('shows one notification per event worth it, opens the right view, and closes them at the end', async () => {
    h = await startEngine();
    const events = feed(h);
    const shown: { title: string; click(): void; closed: boolean }[] = [];
    const ui: NotifierUi = {
      supported: () => true,
      show(note, on) {
        const n = { title: note.title, click: on.click, closed: false };
        shown.push(n);
        return {
          close() {
            n.closed = true;
            on.gone();
          },
        };
      },
    };
    const opened: (ShellView | undefined)[] = [];
    const stop = startNotifications({ ui, link: events, clock: h.clock, open: (v) => opened.push(v), log: quiet });
    events.emit('campaign.status', status({ cause: 'user' }));
    events.emit('campaign.status', status({ cause: 'breaker' }));
    events.emit('account.limited', limited({}));
    // Several sends that hit the same spent quota make one notification.
    events.emit('account.limited', limited({}));
    events.emit('account.limited', limited({ cause: 'keychain', message: 'Unlock the keychain.' }));
    expect(shown.map((n) => n.title)).toEqual([
      '“Spring” was paused',
      'Work Gmail cannot send for now',
      'Work Gmail cannot send for now',
    ]);
    shown[0]!.click();
    shown[1]!.click();
    expect(opened).toEqual(['campaigns', 'accounts']);
    stop();
    expect(shown.every((n) => n.closed)).toBe(true);
    events.emit('campaign.finished', { campaignId: 1, name: 'Spring', counts: counts({ sent: 1 }) });
    expect(shown).toHaveLength(3);
  });

  it('shows nothing while the user has turned notifications off, and follows the setting as it changes', async () => {
    h = await startEngine();
    await h.call('settings.update', { notifications: false });
    const events = feed(h);
    const shown: string[] = [];
    const ui: NotifierUi = {
      supported: () => true,
      show(note) {
        shown.push(note.title);
        return { close() {} };
      },
    };
    const stop = startNotifications({ ui, link: events, clock: h.clock, open() {}, log: quiet });
    undo.push(stop);
    // The stored setting is read at start.
    await new Promise((r) => setImmediate(r));
    events.emit('campaign.finished', { campaignId: 1, name: 'Spring', counts: counts({ sent: 1 }) });
    expect(shown).toEqual([]);
    const on = await h.call('settings.update', { notifications: true });
    events.emit('settings.changed', on);
    events.emit('campaign.finished', { campaignId: 1, name: 'Spring', counts: counts({ sent: 1 }) });
    expect(shown).toEqual(['“Spring” finished']);
  });

  it('says so once and listens to nothing where notifications are not supported', async () => {
    h = await startEngine();
    const events = feed(h);
    const lines: string[] = [];
    let subscribed = false;
    const stop = startNotifications({
      ui: {
        supported: () => false,
        show: () => {
          throw new Error('shown');
        },
      },
      link: {
        call: events.call,
        subscribe: (l) => {
          subscribed = true;
          return events.subscribe(l);
        },
      },
      clock: h.clock,
      open() {},
      log: { info: (m) => lines.push(m), warn: (m) => lines.push(m) },
    });
    events.emit('campaign.finished', { campaignId: 1, name: 'Spring', counts: counts() });
    stop();
    expect(subscribed).toBe(false);
    expect(lines).toEqual([expect.stringMatching(/not supported/)]);
  });
});

describe('start at login', () => {
  it('sets the login item from the stored setting, then follows every change once', async () => {
    h = await startEngine();
    await h.call('settings.update', { startAtLogin: true });
    const events = feed(h);
    const set: boolean[] = [];
    undo.push(startLoginItem({ ui: { set: (open) => set.push(open) }, link: events, log: quiet }));
    await new Promise((r) => setImmediate(r));
    expect(set).toEqual([true]);
    const off = await h.call('settings.update', { startAtLogin: false });
    events.emit('settings.changed', off);
    events.emit('settings.changed', off);
    expect(set).toEqual([true, false]);
  });
});
