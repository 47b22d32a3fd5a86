// Change counters the sender's caches compare against: every write to a table's rows through the
// store bumps its counter, so the planner re-reads campaigns and accounts only after they changed
// instead of parsing every row (and every template) on each pass.
export interface Versions {
  campaigns: number;
  accounts: number;
}

export const newVersions = (): Versions => ({ campaigns: 0, accounts: 0 });
