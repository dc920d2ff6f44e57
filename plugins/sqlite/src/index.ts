export { mapSqliteError, SQLITE_ERRORS, sqliteCodeOf, sqliteMappingOf, type SqliteErrorMapping } from './errors.js';
export { MEMORY_FILE, parseSqliteOptions, type ResolvedSqliteOptions, type SqliteCatalogOptions } from './options.js';
export { APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION } from './schema.js';
export { createSqliteCatalog } from './create-sqlite-catalog.js';
