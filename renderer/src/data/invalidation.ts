// The one table of what each pushed event (and each request without an event of its own) makes
// stale in the cache. Screens never refresh by hand: they read queries, and this keeps them true.
import type { EventName, EventPayloads, RequestInput, RequestName, RequestOutput } from '../../../shared/contract';
import type { CampaignProgress } from '../../../shared/domain';
import { type KeyFilter, keyFilter } from './keys';

/** Re-ask the matching queries; `throttleMs` caps how often a busy sender makes them refetch. */
export interface Invalidate {
  kind: 'invalidate';
  filter: KeyFilter;
  throttleMs?: number;
}

/** Write into the matching queries directly, when the event carries the new value. */
export interface Write {
  kind: 'write';
  filter: KeyFilter;
  update: (old: unknown, input: unknown) => unknown;
}

export type Effect = Invalidate | Write;

/** A sending campaign's views refetch at most this often; its counts arrive in every progress event. */
export const BUSY_REFETCH_MS = 2_000;
/** Paged lists refetch every loaded page at once, so a long scrolled list is asked less often. */
export const BUSY_LIST_REFETCH_MS = 5_000;

const invalidate = (filter: KeyFilter, throttleMs?: number): Invalidate =>
  throttleMs === undefined ? { kind: 'invalidate', filter } : { kind: 'invalidate', filter, throttleMs };

function write<N extends RequestName>(
  name: N,
  part: Partial<RequestInput<N>> | undefined,
  update: (old: RequestOutput<N> | undefined, input: RequestInput<N>) => RequestOutput<N> | undefined,
): Write {
  return { kind: 'write', filter: keyFilter(name, part), update: update as Write['update'] };
}

/** Everything that shows one campaign. */
function campaignViews(campaignId: number | null): Effect[] {
  const id = campaignId ?? undefined;
  return [
    invalidate(keyFilter('campaigns.list')),
    invalidate(keyFilter('campaigns.get', id === undefined ? undefined : { id })),
    invalidate(keyFilter('campaigns.progress', id === undefined ? undefined : { id })),
    invalidate(keyFilter('recipients.list', id === undefined ? undefined : { campaignId: id })),
    invalidate(keyFilter('templates.validate', id === undefined ? undefined : { campaignId: id })),
    invalidate(keyFilter('templates.preview', id === undefined ? undefined : { campaignId: id })),
    invalidate(keyFilter('campaigns.failures', id === undefined ? undefined : { id })),
    invalidate(keyFilter('campaigns.uncertain', id === undefined ? undefined : { id })),
    invalidate(keyFilter('campaigns.sendRate', id === undefined ? undefined : { id })),
    invalidate(keyFilter('campaigns.capacity', id === undefined ? undefined : { id })),
    invalidate(keyFilter('app.firstRun')),
  ];
}

const accountViews = (): Effect[] => [
  invalidate(keyFilter('accounts.list')),
  invalidate(keyFilter('accounts.usage')),
  // Progress and capacity list the pool's accounts with their state.
  invalidate(keyFilter('campaigns.progress')),
  invalidate(keyFilter('campaigns.capacity')),
  invalidate(keyFilter('accounts.removePreview')),
  invalidate(keyFilter('app.firstRun')),
];

function progressWrites(p: CampaignProgress): Effect[] {
  return [
    write('campaigns.progress', { id: p.campaignId }, () => p),
    write('campaigns.list', undefined, (old) =>
      old?.map((c) => (c.id === p.campaignId ? { ...c, counts: p.counts, status: p.status } : c)),
    ),
    invalidate(keyFilter('recipients.list', { campaignId: p.campaignId }), BUSY_LIST_REFETCH_MS),
    invalidate(keyFilter('accounts.usage'), BUSY_REFETCH_MS),
    invalidate(keyFilter('outbox.list'), BUSY_LIST_REFETCH_MS),
    invalidate(keyFilter('campaigns.sendRate', { id: p.campaignId }), BUSY_REFETCH_MS),
    invalidate(keyFilter('campaigns.failures', { id: p.campaignId }), BUSY_REFETCH_MS),
    invalidate(keyFilter('campaigns.uncertain', { id: p.campaignId }), BUSY_LIST_REFETCH_MS),
    invalidate(keyFilter('campaigns.capacity', { id: p.campaignId }), BUSY_REFETCH_MS),
  ];
}

/** Every event has a row, so a new event cannot be forgotten here. */
export const EVENT_EFFECTS: { [E in EventName]: (payload: EventPayloads[E]) => Effect[] } = {
  'campaign.progress': progressWrites,
  'campaigns.changed': (p) => campaignViews(p.campaignId),
  'campaign.status': (p) => campaignViews(p.campaignId),
  'campaign.finished': (p) => [...campaignViews(p.campaignId), invalidate(keyFilter('outbox.list'))],
  'accounts.changed': () => accountViews(),
  'account.limited': () => accountViews(),
  'account.needsReauth': () => accountViews(),
  'gmail.connect': (p) => (p.status === 'connected' ? accountViews() : []),
  // The import panel follows its own import; the finished import arrives as campaigns.changed.
  'import.progress': () => [],
  // A reader's status changed (campaignId null), or feedback for a campaign was recorded.
  'feedback.changed': (p) => [
    invalidate(keyFilter('feedback.readers')),
    ...(p.campaignId === null
      ? []
      : [
          invalidate(keyFilter('feedback.counts', { campaignId: p.campaignId })),
          invalidate(keyFilter('feedback.list', { campaignId: p.campaignId })),
          invalidate(keyFilter('recipients.list', { campaignId: p.campaignId }), BUSY_REFETCH_MS),
        ]),
  ],
  // The new settings arrive whole: the cache takes them as they are.
  'settings.changed': (settings) => [
    write('settings.get', undefined, () => settings),
    invalidate(keyFilter('app.firstRun')),
  ],
  activity: (entry) => [
    write('activity.list', undefined, (old, input) => {
      if (!old || old.some((a) => a.id === entry.id)) return old;
      if (input.campaignId !== undefined && input.campaignId !== entry.campaignId) return old;
      return [entry, ...old].slice(0, input.limit ?? 200);
    }),
  ],
};

/** Requests whose effect no event announces: what they make stale, from their input. */
export const MUTATION_EFFECTS: { [N in RequestName]?: (input: RequestInput<N>) => Effect[] } = {
  'suppressions.add': () => [invalidate(keyFilter('suppressions.list'))],
  'suppressions.remove': () => [invalidate(keyFilter('suppressions.list'))],
  'suppressions.import': () => [invalidate(keyFilter('suppressions.list'))],
  'suppressions.restore': () => [invalidate(keyFilter('suppressions.list'))],
  'settings.update': () => [invalidate(keyFilter('settings.get')), invalidate(keyFilter('app.firstRun'))],
  // A test send counts in the account's usage, never in the campaign.
  'campaigns.testSend': () => [invalidate(keyFilter('accounts.usage')), invalidate(keyFilter('campaigns.capacity'))],
  'gmail.setClient': () => [invalidate(keyFilter('gmail.getClient'))],
  // Events announce these too; asking again at once keeps the screen in step with the click.
  'campaigns.update': (i) => campaignViews(i.id),
  'campaigns.start': (i) => campaignViews(i.id),
  'campaigns.pause': (i) => campaignViews(i.id),
  'campaigns.resume': (i) => campaignViews(i.id),
  'campaigns.cancel': (i) => campaignViews(i.id),
  'campaigns.retryFailed': (i) => campaignViews(i.id),
  'campaigns.resendUncertain': (i) => campaignViews(i.id),
  'campaigns.markUncertainSent': (i) => campaignViews(i.id),
  'campaigns.create': () => campaignViews(null),
  'campaigns.delete': () => campaignViews(null),
  'accounts.addSmtp': () => accountViews(),
  'accounts.update': () => accountViews(),
  'accounts.remove': () => accountViews(),
  'accounts.setPaused': () => accountViews(),
  'attachments.add': (i) => campaignViews(i.campaignId),
  'attachments.remove': (i) => campaignViews(i.campaignId),
  'feedback.configure': () => [invalidate(keyFilter('feedback.readers'))],
  'feedback.readNow': () => [invalidate(keyFilter('feedback.readers'))],
};

export function effectsOfEvent<E extends EventName>(event: E, payload: EventPayloads[E]): Effect[] {
  return EVENT_EFFECTS[event](payload);
}

export function effectsOfMutation<N extends RequestName>(name: N, input: RequestInput<N>): Effect[] {
  const rule = MUTATION_EFFECTS[name] as ((i: RequestInput<N>) => Effect[]) | undefined;
  return rule ? rule(input) : [];
}
