import { useRequest } from '../data/hooks';
import type { Route } from './routes';
import { routeHash } from './routes';

const NAV: { route: Route; label: string }[] = [
  { route: { name: 'campaigns' }, label: 'Campaigns' },
  { route: { name: 'accounts' }, label: 'Accounts' },
  { route: { name: 'suppressions' }, label: 'Suppressions' },
  { route: { name: 'outbox', messageId: null }, label: 'Outbox' },
  { route: { name: 'activity' }, label: 'Activity' },
  { route: { name: 'settings' }, label: 'Settings' },
];

/** Which top-level section a route belongs to. */
const section = (r: Route): Route['name'] => (r.name === 'campaign' ? 'campaigns' : r.name);

export function MainNav({ route }: { route: Route }) {
  const info = useRequest('app.info', {});
  return (
    <header className="topbar">
      <span className="brand">Campaign Tray</span>
      <nav aria-label="Main">
        <ul className="nav-list">
          {NAV.map((n) => (
            <li key={n.route.name}>
              <a
                className="nav"
                href={routeHash(n.route)}
                aria-current={section(route) === n.route.name ? 'page' : undefined}
              >
                {n.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <span className="muted version" data-testid="app-version">
        {info.data ? `v${info.data.version} · ${info.data.transport}` : ''}
      </span>
    </header>
  );
}
