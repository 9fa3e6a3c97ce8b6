import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { StoreStartupError, StoreUnavailableError } from '../errors';
import { SchemaMismatchError } from '../migration';

/**
 * How a commit reaches the disk. `FULL`: the write-ahead log is fsynced at every commit, so an
 * acknowledged write survives a power cut. `NORMAL`: fsynced at checkpoints only; a commit always
 * survives the process dying (kill -9: the log is in the operating system's cache), but the last
 * ones may roll back after a power cut or an operating system crash, the database staying
 * consistent. With the disks of these machines a FULL commit blocks the event loop for 0.3 to 5 ms,
 * a NORMAL one for some 0.03 ms.
 */
export type SqliteDurability = 'FULL' | 'NORMAL';

/**
 * Opens (creating its directory and file if needed) a SQLite database in WAL mode with the given
 * durability (FULL unless told otherwise). Failures become a StoreStartupError whose reason says
 * what to fix.
 */
export function openSqliteDatabase(options: {
  readonly path: string;
  readonly busyTimeoutMs?: number;
  readonly durability?: SqliteDurability;
}): Database.Database {
  let db: Database.Database;
  try {
    mkdirSync(dirname(options.path), { recursive: true });
    db = new Database(options.path, { timeout: options.busyTimeoutMs ?? 5_000 });
  } catch (error) {
    throw sqliteStartupError(error, options.path);
  }
  try {
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal')
      throw new Error(`SQLite refused WAL mode (journal_mode is ${String(mode)})`);
    db.pragma(`synchronous = ${options.durability ?? 'FULL'}`);
    return db;
  } catch (error) {
    db.close();
    throw sqliteStartupError(error, options.path);
  }
}

/**
 * A lock held too long by another process, a full disk or an I/O error: the store cannot take
 * writes now, and the caller may retry (503), unlike a refused append.
 */
export function sqliteUnavailableOr(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !/^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN|READONLY)/.test(code))
    return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new StoreUnavailableError(
    `the SQLite database cannot take writes now (${code}: ${detail})`,
    {
      cause: error,
    },
  );
}

/** Why a SQLite file could not be opened, by SQLite's error code (not by class: jest realms). */
export function sqliteStartupError(error: unknown, path: string): Error {
  if (error instanceof StoreStartupError) return error;
  if (error instanceof SchemaMismatchError)
    return new StoreStartupError('schema-mismatch', `${path}: ${error.message}`, { cause: error });
  // By code, not by class: the driver's error class is not the same object in every realm.
  const code = (error as { code?: unknown } | null)?.code;
  const detail = error instanceof Error ? error.message : String(error);
  if (typeof code !== 'string')
    return new StoreStartupError('rejected', `${path}: ${detail}`, { cause: error });
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
    return new StoreStartupError(
      'corrupt',
      `${path} is not a valid SQLite database (${detail}); restore it from a backup`,
      { cause: error },
    );
  }
  if (
    code?.startsWith('SQLITE_READONLY') ||
    code === 'EACCES' ||
    code === 'EROFS' ||
    code === 'EPERM'
  ) {
    return new StoreStartupError(
      'read-only',
      `${path} cannot be written (${detail}); the service needs write access to the file and its directory`,
      { cause: error },
    );
  }
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
    return new StoreStartupError(
      'locked',
      `${path} is locked by another process (${detail}); stop the other process or raise SQLITE_BUSY_TIMEOUT_MS`,
      { cause: error },
    );
  }
  if (code === 'SQLITE_CANTOPEN') {
    return new StoreStartupError(
      'read-only',
      `${path} cannot be opened (${detail}); check the path and its permissions`,
      { cause: error },
    );
  }
  return new StoreStartupError('rejected', `${path}: ${detail}`, { cause: error });
}
