// The store: the only module with SQL. Everything else asks it by intent.
import { accountsRepo } from './accounts';
import { activityRepo } from './activity';
import { campaignsRepo } from './campaigns';
import { type Db, openDatabase } from './db';
import { ledgerRepo } from './ledger';
import { outboxRepo } from './outbox';
import { outcomesRepo } from './outcomes';
import { recipientsRepo } from './recipients';
import { settingsRepo } from './settings';
import { suppressionsRepo } from './suppressions';

export function createStore(db: Db) {
  return {
    db,
    accounts: accountsRepo(db),
    campaigns: campaignsRepo(db),
    recipients: recipientsRepo(db),
    suppressions: suppressionsRepo(db),
    ledger: ledgerRepo(db),
    activity: activityRepo(db),
    outbox: outboxRepo(db),
    outcomes: outcomesRepo(db),
    settings: settingsRepo(db),
    /** Runs fn in one transaction (fn must be synchronous). */
    tx<T>(fn: () => T): T {
      return db.transaction(fn)();
    },
    close() {
      if (db.open) db.close();
    },
  };
}
export type Store = ReturnType<typeof createStore>;

export function openStore(file: string): Store {
  return createStore(openDatabase(file));
}
