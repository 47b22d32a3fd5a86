// What the whole app must say above any screen: the connection, the keychain, one notice.
import { useRequest } from '../data/hooks';
import { useUi } from '../state/ui-store';
import { ConnectionBanner } from './connection-banner';

export function AppBanners() {
  const info = useRequest('app.info', {});
  const notice = useUi((s) => s.notice);
  const dismissNotice = useUi((s) => s.dismissNotice);
  return (
    <>
      <ConnectionBanner />
      {info.data && !info.data.keychain.available && (
        <div className="banner keychain" role="status">
          <strong>Keychain unavailable.</strong> {info.data.keychain.message}
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
      {info.errorMessage && (
        <p className="error-note page-error" role="alert">
          {info.errorMessage}
        </p>
      )}
    </>
  );
}
