// What an account is doing now, as a badge: "Cooling down until 14:05".
import type { AccountState } from '../../../../shared/domain';
import { accountStateText } from './account-badge-text';

const TONE: Record<AccountState['code'], string> = {
  ready: 'ok',
  paused: 'muted',
  needs_reauth: 'bad',
  cooling_down: 'warn',
  resting_quota: 'warn',
  daily_cap: 'warn',
  hourly_cap: 'warn',
  minute_cap: 'warn',
  removed: 'muted',
};

export function AccountBadge({ state }: { state: AccountState }) {
  return (
    <span className={`badge tone-${TONE[state.code]}`} title={state.reason} data-testid="account-state">
      {accountStateText(state)}
    </span>
  );
}
