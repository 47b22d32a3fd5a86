import type { Account, AccountKind, AccountStatus, CooldownCause, Limits, SmtpSettings } from '../../../shared/domain';
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
  cooldown_cause: CooldownCause | null;
  last_error: string | null;
  created_at: number;
  removed_at: number | null;
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
    cooldownCause: r.cooldown_until === null ? null : r.cooldown_cause,
    lastError: r.last_error,
    createdAt: r.created_at,
    removedAt: r.removed_at,
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
  const all = db.prepare<[], Row>('SELECT * FROM accounts WHERE removed_at IS NULL ORDER BY id');
  const allWithRemoved = db.prepare<[], Row>('SELECT * FROM accounts ORDER BY id');
  const insert = db.prepare(
    `INSERT INTO accounts (kind, label, from_name, from_address, settings, preset, limits, created_at)
     VALUES (@kind, @label, @fromName, @fromAddress, @settings, @preset, @limits, @createdAt)`,
  );
  return {
    /** An account in use; a removed one is not found (see `withRemoved`). */
    get(id: number): Account | null {
      const r = byId.get(id);
      return r && r.removed_at === null ? toAccount(r) : null;
    },
    /** Also a removed account: its name still labels past sends. */
    withRemoved(id: number): Account | null {
      const r = byId.get(id);
      return r ? toAccount(r) : null;
    },
    /** The accounts in use; removed ones only when asked. */
    list(opts: { includeRemoved?: boolean } = {}): Account[] {
      return (opts.includeRemoved ? allWithRemoved : all).all().map(toAccount);
    },
    findByAddress(kind: AccountKind, address: string): Account | null {
      const r = db
        .prepare<[string, string], Row>(
          'SELECT * FROM accounts WHERE kind = ? AND lower(from_address) = lower(?) AND removed_at IS NULL',
        )
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
      return this.withRemoved(Number(info.lastInsertRowid))!;
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
    /**
     * Tests only: cools the account down outside a reaction (production cooldowns are committed by
     * store/outcomes.ts); a test checks no file under main/ calls this.
     */
    coolDownForTests(id: number, until: number, lastError: string, strike: boolean): void {
      versions.accounts++;
      db.prepare(
        `UPDATE accounts SET
           cooldown_cause = CASE WHEN @until >= coalesce(cooldown_until, 0) THEN @cause ELSE cooldown_cause END,
           cooldown_until = max(coalesce(cooldown_until, 0), @until), last_error = @lastError,
           cooldown_strikes = cooldown_strikes + @strike WHERE id = @id`,
      ).run({ id, until, lastError, strike: strike ? 1 : 0, cause: strike ? 'throttle' : 'quota' });
    },
    strikes(id: number): number {
      return byId.get(id)?.cooldown_strikes ?? 0;
    },
    clearCooldown(id: number): void {
      versions.accounts++;
      db.prepare(
        'UPDATE accounts SET cooldown_until = NULL, cooldown_cause = NULL, cooldown_strikes = 0 WHERE id = ?',
      ).run(id);
    },
    clearError(id: number): void {
      versions.accounts++;
      db.prepare('UPDATE accounts SET last_error = NULL WHERE id = ?').run(id);
    },
    /** Deletes the row outright: only for an account that never existed for the user (a failed add). */
    remove(id: number): boolean {
      return changed(db.prepare('DELETE FROM accounts WHERE id = ?').run(id).changes > 0);
    },
    /** Retires the account: it never sends again, and its row keeps naming its past sends. */
    retire(id: number, now: number): boolean {
      versions.accounts++;
      return (
        db
          .prepare(
            `UPDATE accounts SET removed_at = ?, status = 'paused', cooldown_until = NULL, cooldown_cause = NULL
             WHERE id = ? AND removed_at IS NULL`,
          )
          .run(now, id).changes > 0
      );
    },
  };
}
