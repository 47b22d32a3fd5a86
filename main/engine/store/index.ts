// The store: the only module with SQL. Everything else asks it by intent. Its connection and its
// transactions stay inside: a change that spans tables is a named step (steps.ts), and tests that
// need raw SQL open the file themselves (test/helpers/sql.ts).
import { accountsRepo } from './accounts';
import { activityRepo } from './activity';
import { campaignsRepo } from './campaigns';
import { type Db, openDatabase } from './db';
import { feedbackRepo } from './feedback';
import { importStagingRepo } from './import-staging';
import { ledgerRepo } from './ledger';
import { outboxRepo } from './outbox';
import { outcomesRepo } from './outcomes';
import { recipientsRepo } from './recipients';
import { settingsRepo } from './settings';
import { storeSteps } from './steps';
import { suppressionsRepo } from './suppressions';
import { newVersions } from './versions';

export function createStore(db: Db) {
  const versions = newVersions();
  const repos = {
    accounts: accountsRepo(db, versions),
    campaigns: campaignsRepo(db, versions),
    recipients: recipientsRepo(db),
    suppressions: suppressionsRepo(db),
    ledger: ledgerRepo(db),
    activity: activityRepo(db),
    outbox: outboxRepo(db),
    outcomes: outcomesRepo(db, versions),
    feedback: feedbackRepo(db),
    settings: settingsRepo(db),
    importStaging: importStagingRepo(db),
  };
  // Failed rows from before failure keys existed group with the rest once they have one.
  repos.recipients.backfillFailureKeys();
  return {
    /** Bumped by every write to campaigns and accounts, so readers can cache until they change. */
    versions: versions as Readonly<typeof versions>,
    ...repos,
    ...storeSteps(db, repos),
    close() {
      if (db.open) db.close();
    },
  };
}
export type Store = ReturnType<typeof createStore>;

export function openStore(file: string): Store {
  return createStore(openDatabase(file));
}
