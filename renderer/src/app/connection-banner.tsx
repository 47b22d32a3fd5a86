import { useUi } from '../state/ui-store';

export function ConnectionBanner() {
  const connection = useUi((s) => s.connection);
  if (connection === 'open') return null;
  const text =
    connection === 'no_token'
      ? 'This address has no access token. Open the full address the server printed (it ends in #token=…).'
      : connection === 'stale_token'
        ? 'Campaign Tray was restarted, so this address no longer works. Open the new address it printed.'
        : connection === 'lost'
          ? 'Connection lost — reconnecting…'
          : 'Connecting to Campaign Tray…';
  return (
    <div className={`banner ${connection}`} role="status" aria-live="assertive">
      {text}
    </div>
  );
}
