import type { Catalog } from '@stowage/core';
import { mapSqliteError } from './errors.js';
import { openDatabase } from './open-database.js';
import { MEMORY_FILE, parseSqliteOptions, type SqliteCatalogOptions } from './options.js';
import { InlineWriter, ThreadWriter } from './catalog-writer.js';
import { SqliteCatalog } from './sqlite-catalog.js';
import { CatalogStatements } from './statements.js';

/**
 * Opens (creating when missing) the catalog in an SQLite file, or in memory with
 * `file: ":memory:"`: a {@link Catalog} whose methods are each one transaction, shared safely
 * by every process that opens the same file (see {@link SqliteCatalog} and the README).
 *
 * @throws StowageError `STOWAGE_INVALID_CONFIG` for invalid options or a file that is not a
 * usable catalog; `STOWAGE_IO` when the file cannot be opened or is not a database;
 * `STOWAGE_BUSY` when another process holds the write lock beyond the busy timeout.
 */
export function createSqliteCatalog(options: SqliteCatalogOptions): Catalog {
  const resolved = parseSqliteOptions(options);
  const db = openDatabase(resolved);
  try {
    const statements = new CatalogStatements(db);
    const threaded = resolved.writerThread && !resolved.readonly && resolved.file !== MEMORY_FILE;
    return new SqliteCatalog(resolved, db, statements, threaded ? new ThreadWriter(resolved) : new InlineWriter(db, statements));
  } catch (error) {
    db.close();
    throw mapSqliteError(error);
  }
}

