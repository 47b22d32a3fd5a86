// System notifications for what the user must know while the window is hidden: an account that
// needs reconnecting, a campaign that finished, a campaign the engine paused itself.
import path from 'node:path';
import { Notification } from 'electron';
import type { EventPayloads } from '../../shared/contract';
import type { CampaignStatus } from '../../shared/domain';
import type { EventHub } from '../engine/events/hub';
import type { Logger } from '../engine/log';
import type { Store } from '../engine/store';
import type { ShellView } from './window';

export interface NotificationOptions {
  store: Store;
  hub: EventHub;
  iconDir: string;
  open(view?: ShellView): void;
  log: Logger;
}

export function startNotifications(opts: NotificationOptions): () => void {
  if (!Notification.isSupported()) {
    opts.log.info('system notifications are not supported here; the tray menu still shows problems');
    return () => {};
  }
  const icon = process.platform === 'darwin' ? undefined : path.join(opts.iconDir, 'icon.png');
  // Shown notifications are kept referenced: a collected one loses its click handler.
  const shown = new Set<Notification>();

  function notify(title: string, body: string, view: ShellView) {
    const n = new Notification({ title, body, ...(icon ? { icon } : {}) });
    shown.add(n);
    n.on('click', () => opts.open(view));
    n.on('close', () => shown.delete(n));
    n.show();
  }

  // The last status seen per campaign: a notification is about a change, never about a state.
  const statuses = new Map<number, CampaignStatus>();
  for (const c of opts.store.campaigns.list()) statuses.set(c.id, c.status);

  function check(campaignId: number) {
    const c = opts.store.campaigns.get(campaignId);
    const before = statuses.get(campaignId);
    if (!c) {
      statuses.delete(campaignId);
      return;
    }
    statuses.set(campaignId, c.status);
    if (before !== 'sending' || c.status === before) return;
    if (c.status === 'done') {
      const counts = opts.store.recipients.counts(c.id);
      const parts = [`${counts.sent} sent`];
      if (counts.failed) parts.push(`${counts.failed} failed`);
      if (counts.uncertain) parts.push(`${counts.uncertain} uncertain (check before resending)`);
      notify(`“${c.name}” finished`, parts.join(', '), 'campaigns');
    } else if (c.status === 'paused' && c.pausedReason) {
      notify(`“${c.name}” was paused`, c.pausedReason, 'campaigns');
    }
  }

  const unsubscribe = opts.hub.subscribe((event, payload) => {
    try {
      switch (event) {
        case 'account.needsReauth': {
          const p = payload as EventPayloads['account.needsReauth'];
          notify(`Reconnect ${p.label}`, p.message, 'accounts');
          break;
        }
        case 'campaign.progress':
          check((payload as EventPayloads['campaign.progress']).campaignId);
          break;
        case 'campaigns.changed': {
          const id = (payload as EventPayloads['campaigns.changed']).campaignId;
          if (id === null) for (const c of opts.store.campaigns.list()) check(c.id);
          else check(id);
          break;
        }
      }
    } catch (err) {
      opts.log.warn('a notification could not be shown', err);
    }
  });

  return () => {
    unsubscribe();
    for (const n of shown) n.close();
    shown.clear();
  };
}
