import { ErrorNote } from '../../components/error-note';
import { useRequest } from '../../data/hooks';
import { AccountCard } from './account-card';
import { AddSmtpForm } from './add-smtp-form';
import { GmailPanel } from './gmail-panel';

export function AccountsScreen() {
  const accounts = useRequest('accounts.list', {});
  const usage = useRequest('accounts.usage', {});

  return (
    <section aria-labelledby="accounts-title" className="stack">
      <h1 id="accounts-title">Accounts</h1>
      <ErrorNote message={accounts.errorMessage ?? usage.errorMessage} />
      <ul className="account-list">
        {(accounts.data ?? []).map((a) => (
          <AccountCard key={a.id} account={a} usage={usage.data?.find((u) => u.accountId === a.id)} />
        ))}
      </ul>
      <div className="two-col">
        <AddSmtpForm />
        <GmailPanel />
      </div>
    </section>
  );
}
