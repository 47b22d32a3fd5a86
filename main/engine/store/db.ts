// Opening the database: pragmas, migrations, and clear errors for files we must not touch.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { AppError } from '../errors';
import { assertMonotonic, type Migration, migrations } from './migrations';

export type Db = Database.Database;

export const DB_FILE = 'campaign-tray.sqlite';

export function openDatabase(file: string, list: readonly Migration[] = migrations): Db {
  assertMonotonic(list);
  let db: Db;
  try {
    if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
    db = new Database(file, { fileMustExist: false });
  } catch (err) {
    throw explainOpenError(file, err);
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, list);
    return db;
  } catch (err) {
    db.close();
    if (err instanceof AppError) throw err;
    throw explainOpenError(file, err);
  }
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export function migrate(db: Db, list: readonly Migration[] = migrations): void {
  const current = schemaVersion(db);
  const latest = list.length;
  if (current > latest) {
    throw new AppError(
      'conflict',
      `This database was written by a newer version of Campaign Tray (schema ${current}, this app knows ${latest}). ` +
        'Update the app; the file has not been changed.',
    );
  }
  for (const m of list.slice(current)) {
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
}

function explainOpenError(file: string, err: unknown): AppError {
  const code = (err as { code?: string }).code ?? '';
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
    return new AppError(
      'conflict',
      `The database file ${file} is damaged or is not a Campaign Tray database. ` +
        'It has been left as it is: restore it from a backup, or move it away to start empty.',
    );
  }
  if (
    ['SQLITE_READONLY', 'SQLITE_CANTOPEN', 'SQLITE_PERM', 'EACCES', 'EPERM', 'ENOTDIR', 'EEXIST', 'EROFS'].includes(
      code,
    )
  ) {
    return new AppError(
      'conflict',
      `The database file ${file} cannot be opened for writing. Check that its folder exists and is writable.`,
    );
  }
  return new AppError('internal', `The database file ${file} could not be opened (${code || 'unknown error'}).`);
}
