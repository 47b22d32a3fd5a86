// An account's state in words, with the time it ends.
import type { AccountState } from '../../../../shared/domain';
import { formatUntil } from '../../lib/format-until';

export const STATE_LABELS: Record<AccountState['code'], string> = {
  ready: 'Ready',
  paused: 'Paused',
  needs_reauth: 'Needs sign-in',
  cooling_down: 'Cooling down',
  resting_quota: 'Resting for quota',
  daily_cap: 'Daily cap reached',
  hourly_cap: 'Hourly cap reached',
  minute_cap: 'Minute cap reached',
  removed: 'Removed',
};

export function accountStateText(state: AccountState, now = Date.now()): string {
  const label = STATE_LABELS[state.code];
  return state.until !== null && state.until > now ? `${label} until ${formatUntil(state.until, now)}` : label;
}
