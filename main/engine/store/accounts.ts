import type { Account, AccountKind, AccountStatus, Limits, SmtpSettings } from '../../../shared/domain';
import type { Db } from './db';
import type { Versions } from './versions';

interface Row {
  id: number;
  kind: AccountKind;
  label: string;
  from_name: string;
  from_address: string;
  settings: string;
  preset: string | null;
  limits: string;
  status: AccountStatus;
  cooldown_until: number | null;
  cooldown_strikes: number;
  last_error: string | null;
  created_at: number;
}

export type NewAccount =
  | { kind: 'outbox'; label: string; fromName: string; fromAddress: string; limits: Limits }
  | {
      kind: 'smtp';
      label: string;
      fromName: string;
      fromAddress: string;
      limits: Limits;
      smtp: SmtpSettings;
      preset: string;
    }
  | {
      kind: 'gmail';
      label: string;
      fromName: string;
      fromAddress: string;
      limits: Limits;
      gmail: { workspace: boolean };
    };

export interface AccountPatch {
  label?: string;
  fromName?: string;
  fromAddress?: string;
  limits?: Limits;
  smtp?: SmtpSettings;
  gmail?: { workspace: boolean };
}

function toAccount(r: Row): Account {
  const base = {
    id: r.id,
    label: r.label,
    fromName: r.from_name,
    fromAddress: r.from_address,
    limits: JSON.parse(r.limits) as Limits,
    status: r.status,
    cooldownUntil: r.cooldown_until,
    lastError: r.last_error,
    createdAt: r.created_at,
  };
  const settings = JSON.parse(r.settings);
  switch (r.kind) {
    case 'outbox':
      return { ...base, kind: 'outbox' };
    case 'smtp':
      return { ...base, kind: 'smtp', smtp: settings as SmtpSettings, preset: r.preset ?? 'custom' };
    case 'gmail':
      return { ...base, kind: 'gmail', gmail: settings as { workspace: boolean } };
  }
}

export function accountsRepo(db: Db, versions: Versions) {
  const changed = <T>(v: T): T => {
    versions.accounts++;
    return v;
  };
  const byId = db.prepare<[number], Row>('SELECT * FROM accounts WHERE id = ?');
  const all = db.prepare<[], Row>('SELECT * FROM accounts ORDER BY id');
  const insert = db.prepare(
    `INSERT INTO accounts (kind, label, from_name, from_address, settings, preset, limits, created_at)
     VALUES (@kind, @label, @fromName, @fromAddress, @settings, @preset, @limits, @createdAt)`,
  );
  return {
    get(id: number): Account | null {
      const r = byId.get(id);
      return r ? toAccount(r) : null;
    },
    list(): Account[] {
      return all.all().map(toAccount);
    },
    findByAddress(kind: AccountKind, address: string): Account | null {
      const r = db
        .prepare<[string, string], Row>('SELECT * FROM accounts WHERE kind = ? AND lower(from_address) = lower(?)')
        .get(kind, address);
      return r ? toAccount(r) : null;
    },
    create(a: NewAccount, now: number): Account {
      const settings = a.kind === 'smtp' ? a.smtp : a.kind === 'gmail' ? a.gmail : {};
      const info = changed(
        insert.run({
          kind: a.kind,
          label: a.label,
          fromName: a.fromName,
          fromAddress: a.fromAddress,
          settings: JSON.stringify(settings),
          preset: a.kind === 'smtp' ? a.preset : null,
          limits: JSON.stringify(a.limits),
          createdAt: now,
        }),
      );
      return this.get(Number(info.lastInsertRowid))!;
    },
    update(id: number, p: AccountPatch): Account | null {
      const cur = byId.get(id);
      if (!cur) return null;
      const settings = p.smtp ?? p.gmail;
      versions.accounts++;
      db.prepare(
        `UPDATE accounts SET label = ?, from_name = ?, from_address = ?, limits = ?, settings = ? WHERE id = ?`,
      ).run(
        p.label ?? cur.label,
        p.fromName ?? cur.from_name,
        p.fromAddress ?? cur.from_address,
        p.limits ? JSON.stringify(p.limits) : cur.limits,
        settings ? JSON.stringify(settings) : cur.settings,
        id,
      );
      return this.get(id);
    },
    setStatus(id: number, status: AccountStatus, lastError: string | null = null): void {
      versions.accounts++;
      db.prepare('UPDATE accounts SET status = ?, last_error = coalesce(?, last_error) WHERE id = ?').run(
        status,
        lastError,
        id,
      );
    },
    /** Cools the account down; strikes grow the next throttle cooldown. */
    coolDown(id: number, until: number, lastError: string, strike: boolean): void {
      versions.accounts++;
      db.prepare(
        `UPDATE accounts SET cooldown_until = max(coalesce(cooldown_until, 0), ?), last_error = ?,
           cooldown_strikes = cooldown_strikes + ? WHERE id = ?`,
      ).run(until, lastError, strike ? 1 : 0, id);
    },
    strikes(id: number): number {
      return byId.get(id)?.cooldown_strikes ?? 0;
    },
    clearCooldown(id: number): void {
      versions.accounts++;
      db.prepare('UPDATE accounts SET cooldown_until = NULL, cooldown_strikes = 0 WHERE id = ?').run(id);
    },
    clearError(id: number): void {
      versions.accounts++;
      db.prepare('UPDATE accounts SET last_error = NULL WHERE id = ?').run(id);
    },
    remove(id: number): boolean {
      return changed(db.prepare('DELETE FROM accounts WHERE id = ?').run(id).changes > 0);
    },
  };
}
