import type { AccountUsage } from '../../../../shared/domain';
import { UsageMeter } from '../../components/usage-meter';
import { AccountBadge } from '../accounts/account-badge';

export function AccountsUsageCard({ accounts }: { accounts: AccountUsage[] }) {
  return (
    <section aria-labelledby="accounts-usage-title" className="card">
      <h2 id="accounts-usage-title" className="small">
        Sending accounts
      </h2>
      <ul className="usage-list">
        {accounts.map((a) => (
          <li key={a.accountId} data-testid={`usage-${a.accountId}`}>
            <div className="row spread">
              <strong>{a.label}</strong>
              <AccountBadge state={a.state} />
            </div>
            {a.state.code !== 'ready' && <p className="muted">{a.state.reason}</p>}
            <UsageMeter label="Last minute" used={a.lastMinute} cap={a.limits.perMinute} />
            <UsageMeter label="Last hour" used={a.lastHour} cap={a.limits.perHour} />
            <UsageMeter label="Last 24 h" used={a.last24h} cap={a.limits.perDay} />
          </li>
        ))}
      </ul>
    </section>
  );
}
