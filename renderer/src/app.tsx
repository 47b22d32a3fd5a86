import { useEffect } from 'react';
import { AccountsScreen } from './screens/accounts';
import { ActivityScreen } from './screens/activity';
import { CampaignView } from './screens/campaign-view';
import { CampaignsList } from './screens/campaigns-list';
import { OutboxScreen } from './screens/outbox';
import { type Screen, useApp } from './state/app-store';

const NAV: { name: Exclude<Screen['name'], 'campaign'>; label: string }[] = [
  { name: 'campaigns', label: 'Campaigns' },
  { name: 'accounts', label: 'Accounts' },
  { name: 'outbox', label: 'Outbox' },
  { name: 'activity', label: 'Activity' },
];

function ConnectionBanner() {
  const connection = useApp((s) => s.connection);
  if (connection === 'open') return null;
  const text =
    connection === 'no_token'
      ? 'This address has no access token. Open the full address the server printed (it ends in #token=…).'
      : connection === 'lost'
        ? 'Connection lost — reconnecting…'
        : 'Connecting to Campaign Tray…';
  return (
    <div className={`banner ${connection}`} role="status" aria-live="assertive">
      {text}
    </div>
  );
}

const HASH_VIEW = /^#(campaigns|accounts|outbox|activity)$/;

/** The tray and notifications open a screen by setting the hash (e.g. #accounts to reconnect). */
function useHashNavigation(go: (screen: Screen) => void) {
  useEffect(() => {
    const follow = () => {
      const m = HASH_VIEW.exec(window.location.hash);
      if (m) go({ name: m[1] as Exclude<Screen['name'], 'campaign'> });
    };
    follow();
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, [go]);
}

export function App() {
  const screen = useApp((s) => s.screen);
  const go = useApp((s) => s.go);
  useHashNavigation(go);
  const info = useApp((s) => s.info);
  const loadError = useApp((s) => s.loadError);
  const notice = useApp((s) => s.notice);
  const dismissNotice = useApp((s) => s.dismissNotice);
  const current = screen.name === 'campaign' ? 'campaigns' : screen.name;

  return (
    <div className="app">
      <ConnectionBanner />
      <header className="topbar">
        <span className="brand">Campaign Tray</span>
        <nav aria-label="Main">
          <ul className="nav-list">
            {NAV.map((n) => (
              <li key={n.name}>
                <button
                  type="button"
                  className="nav"
                  aria-current={current === n.name ? 'page' : undefined}
                  onClick={() => go({ name: n.name })}
                >
                  {n.label}
                </button>
              </li>
            ))}
          </ul>
        </nav>
        <span className="muted version" data-testid="app-version">
          {info ? `v${info.version} · ${info.transport}` : ''}
        </span>
      </header>
      {info && !info.keychain.available && (
        <div className="banner keychain" role="status">
          <strong>Keychain unavailable.</strong> {info.keychain.message}
        </div>
      )}
      {notice && (
        <div className="banner notice" role="alert">
          {notice}{' '}
          <button type="button" className="link" onClick={dismissNotice}>
            Dismiss
          </button>
        </div>
      )}
      {loadError && (
        <p className="error-note page-error" role="alert">
          {loadError}
        </p>
      )}
      <main>
        {screen.name === 'campaigns' && <CampaignsList />}
        {screen.name === 'campaign' && <CampaignView key={screen.id} id={screen.id} />}
        {screen.name === 'accounts' && <AccountsScreen />}
        {screen.name === 'outbox' && <OutboxScreen />}
        {screen.name === 'activity' && <ActivityScreen />}
      </main>
    </div>
  );
}
