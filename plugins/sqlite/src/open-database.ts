import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { StowageError } from '@stowage/core';
import { mapSqliteError } from './errors.js';
import { MEMORY_FILE, type ResolvedSqliteOptions } from './options.js';
import { prepareSchema } from './schema.js';

/**
 * Opens the connection and sets it up for durable, shared use:
 *
 * - `busy_timeout`: wait that long for another connection's lock before `SQLITE_BUSY`;
 * - `journal_mode = WAL`: readers never block the writer nor the writer the readers, and a
 *   commit appends to the log instead of rewriting pages (persistent in the file, so set once);
 * - `synchronous = FULL`: the log is fsynced at every commit, so an acknowledged change
 *   survives a power loss (`NORMAL` would only sync at checkpoints); the writer lowers it to
 *   `NORMAL` only for batches of deferrable writes (`runBatch`);
 * - `foreign_keys = ON`: an entry can never name a blob row that does not exist;
 * - then the schema is created or migrated ({@link prepareSchema}).
 *
 * The connection is closed again when any step fails.
 *
 * @throws StowageError `STOWAGE_INVALID_CONFIG` when the file's directory does not exist; mapped
 * from SQLite: `STOWAGE_IO` for a file that cannot be opened, is not a database or is corrupt; `STOWAGE_BUSY` when another process holds the lock longer than
 * the busy timeout), or `STOWAGE_INVALID_CONFIG` for a file that is not a usable catalog.
 */
export function openDatabase(options: ResolvedSqliteOptions): Database.Database {
  if (options.file !== MEMORY_FILE && statSync(dirname(options.file), { throwIfNoEntry: false })?.isDirectory() !== true) {
    // better-sqlite3 refuses this itself, with a plain TypeError; say which option is wrong.
    throw new StowageError('STOWAGE_INVALID_CONFIG', 'sqlite catalog: file must be in an existing directory');
  }
  let db: Database.Database | undefined;
  try {
    db = new Database(options.file, { readonly: options.readonly, fileMustExist: options.readonly, timeout: options.busyTimeoutMs });
    db.pragma(`busy_timeout = ${options.busyTimeoutMs}`);
    // A read-only connection cannot change the journal mode; it reads a WAL file as it is.
    if (!options.readonly && options.file !== MEMORY_FILE) db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    prepareSchema(db, options.readonly);
    return db;
  } catch (error) {
    db?.close();
    throw mapSqliteError(error);
  }
}
