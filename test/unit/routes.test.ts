import { describe, expect, it } from 'vitest';
import { parseRoute, type Route, routeHash } from '../../renderer/src/app/routes';

describe('hash routes', () => {
  it.each<[string, Route]>([
    ['', { name: 'campaigns' }],
    ['#/campaigns', { name: 'campaigns' }],
    ['#/campaigns/12', { name: 'campaign', id: 12, tab: null }],
    ['#/campaigns/12/dashboard', { name: 'campaign', id: 12, tab: 'dashboard' }],
    ['#/campaigns/12/nope', { name: 'campaign', id: 12, tab: null }],
    ['#/campaigns/0', { name: 'campaigns' }],
    ['#/campaigns/abc', { name: 'campaigns' }],
    ['#/accounts', { name: 'accounts' }],
    ['#/suppressions', { name: 'suppressions' }],
    ['#/settings', { name: 'settings' }],
    ['#/outbox', { name: 'outbox', messageId: null }],
    ['#/outbox/7', { name: 'outbox', messageId: 7 }],
    // The shell's one-word fragments and the headless token fragment.
    ['#accounts', { name: 'accounts' }],
    ['#campaigns', { name: 'campaigns' }],
    ['#token=abc_DEF-123', { name: 'campaigns' }],
    ['#/accounts/extra', { name: 'campaigns' }],
    ['#/__proto__', { name: 'campaigns' }],
  ])('%s', (hash, route) => {
    expect(parseRoute(hash)).toEqual(route);
  });

  it.each<Route>([
    { name: 'campaigns' },
    { name: 'campaign', id: 3, tab: 'message' },
    { name: 'campaign', id: 3, tab: null },
    { name: 'outbox', messageId: 9 },
    { name: 'outbox', messageId: null },
    { name: 'settings' },
  ])('round-trips %o', (route) => {
    expect(parseRoute(routeHash(route))).toEqual(route);
  });
});
