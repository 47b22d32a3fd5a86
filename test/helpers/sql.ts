// Raw SQL for tests, through a second connection to the same SQLite file. The Store keeps its own
// connection private, so production code has no such door; a test that must read the ledger or
// put a row into a state no request reaches opens the file here (WAL lets both connections work).
import path from 'node:path';
import Database from 'better-sqlite3';
import { DB_FILE } from '../../main/engine/store/db';

export type Sql = Database.Database;

/** Opens `<dataDir>/campaign-tray.sqlite` (or the file itself); the caller closes it. */
export function openSql(dataDirOrFile: string, opts: { readonly?: boolean } = {}): Sql {
  const file = dataDirOrFile.endsWith('.sqlite') ? dataDirOrFile : path.join(dataDirOrFile, DB_FILE);
  const db = new Database(file, { fileMustExist: true, readonly: opts.readonly ?? false });
  db.pragma('busy_timeout = 5000');
  return db;
}
