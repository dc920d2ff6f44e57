import Database from 'better-sqlite3';
import t from 'tap';
import { StowageError, type StowageErrorCode } from '@stowage/core';
import { mapSqliteError, SQLITE_ERRORS, sqliteCodeOf, sqliteMappingOf } from '../src/index.js';

/** Every row of the table and what it must map to; a row added without a line here fails. */
const EXPECTED: Readonly<Record<string, StowageErrorCode>> = {
  SQLITE_BUSY: 'STOWAGE_BUSY',
  SQLITE_LOCKED: 'STOWAGE_BUSY',
  SQLITE_CONSTRAINT_PRIMARYKEY: 'STOWAGE_ALREADY_EXISTS',
  SQLITE_CONSTRAINT_UNIQUE: 'STOWAGE_ALREADY_EXISTS',
  SQLITE_FULL: 'STOWAGE_INSUFFICIENT_STORAGE',
  SQLITE_IOERR: 'STOWAGE_IO',
  SQLITE_CORRUPT: 'STOWAGE_IO',
  SQLITE_NOTADB: 'STOWAGE_IO',
  SQLITE_CANTOPEN: 'STOWAGE_IO',
  SQLITE_READONLY: 'STOWAGE_PERMISSION_DENIED',
  SQLITE_PERM: 'STOWAGE_PERMISSION_DENIED',
};

function sqliteError(code: string): Error {
  return new Database.SqliteError(`a failure with ${code}`, code);
}

t.test('the table holds exactly the tested rows', async (t) => {
  t.same(Object.keys(SQLITE_ERRORS).sort(), Object.keys(EXPECTED).sort());
  t.ok(Object.isFrozen(SQLITE_ERRORS));
});

for (const [sqliteCode, code] of Object.entries(EXPECTED)) {
  t.test(`${sqliteCode} maps to ${code}`, async (t) => {
    const cause = sqliteError(sqliteCode);
    const error = mapSqliteError(cause, { path: 'some/key' });
    t.equal(error.code, code);
    t.equal(error.cause, cause, 'the original error is the cause');
    t.same(error.context, { path: 'some/key' });
    t.match(error.message, sqliteCode, 'the message names the SQLite code');
    const busy = code === 'STOWAGE_BUSY';
    t.equal(error.retryable, busy, 'only lock contention is retryable');
    t.equal(error.retryAfterMs !== undefined, busy, 'a wait is suggested for lock contention only');
  });
}

t.test('extended codes follow their primary code unless they have their own row', async (t) => {
  const cases: Array<[string, StowageErrorCode]> = [
    ['SQLITE_BUSY_SNAPSHOT', 'STOWAGE_BUSY'],
    ['SQLITE_BUSY_RECOVERY', 'STOWAGE_BUSY'],
    ['SQLITE_BUSY_TIMEOUT', 'STOWAGE_BUSY'],
    ['SQLITE_LOCKED_SHAREDCACHE', 'STOWAGE_BUSY'],
    ['SQLITE_IOERR_FSYNC', 'STOWAGE_IO'],
    ['SQLITE_IOERR_SHORT_READ', 'STOWAGE_IO'],
    ['SQLITE_CORRUPT_INDEX', 'STOWAGE_IO'],
    ['SQLITE_CANTOPEN_ISDIR', 'STOWAGE_IO'],
    ['SQLITE_READONLY_DBMOVED', 'STOWAGE_PERMISSION_DENIED'],
    ['SQLITE_READONLY_ROLLBACK', 'STOWAGE_PERMISSION_DENIED'],
    ['SQLITE_CONSTRAINT_CHECK', 'STOWAGE_INTERNAL'],
    ['SQLITE_CONSTRAINT_FOREIGNKEY', 'STOWAGE_INTERNAL'],
    ['SQLITE_CONSTRAINT_NOTNULL', 'STOWAGE_INTERNAL'],
    ['SQLITE_CONSTRAINT', 'STOWAGE_INTERNAL'],
    ['SQLITE_ERROR', 'STOWAGE_INTERNAL'],
    ['SQLITE_NOMEM', 'STOWAGE_INTERNAL'],
    ['SQLITE_MISUSE', 'STOWAGE_INTERNAL'],
  ];
  for (const [sqliteCode, code] of cases) {
    const error = mapSqliteError(sqliteError(sqliteCode));
    t.equal(error.code, code, sqliteCode);
    t.equal(error.retryable, code === 'STOWAGE_BUSY', `${sqliteCode} retryable`);
  }
});

t.test('errors that are not SQLite errors are INTERNAL; a StowageError passes through unchanged', async (t) => {
  for (const cause of [new TypeError('The database connection is not open'), 'a string', undefined, Object.assign(new Error('x'), { code: 'ENOENT' })]) {
    const error = mapSqliteError(cause);
    t.equal(error.code, 'STOWAGE_INTERNAL', String(cause));
    t.equal(error.cause, cause);
  }
  const original = new StowageError('STOWAGE_NOT_FOUND', 'no such entry');
  t.equal(mapSqliteError(original), original);
  t.equal(sqliteCodeOf(original), undefined);
  t.equal(sqliteCodeOf(sqliteError('SQLITE_FULL')), 'SQLITE_FULL');
  t.equal(sqliteMappingOf('SQLITE_'), undefined, 'a code without a name has no row');
  t.equal(mapSqliteError(sqliteError('SQLITE_')).code, 'STOWAGE_INTERNAL');
});

t.test('real SQLite failures map through the table', async (t) => {
  const db = new Database(':memory:');
  t.teardown(() => db.close());
  db.exec('CREATE TABLE keyed (id TEXT PRIMARY KEY, name TEXT UNIQUE) WITHOUT ROWID');
  db.exec("INSERT INTO keyed VALUES ('a', 'first')");
  const attempt = (sql: string): StowageError => {
    try {
      db.exec(sql);
    } catch (error) {
      return mapSqliteError(error);
    }
    throw new Error(`${sql} did not fail`);
  };
  t.equal(attempt("INSERT INTO keyed VALUES ('a', 'second')").code, 'STOWAGE_ALREADY_EXISTS', 'a taken primary key');
  t.equal(attempt("INSERT INTO keyed VALUES ('b', 'first')").code, 'STOWAGE_ALREADY_EXISTS', 'a taken unique value');
  t.equal(attempt('SELECT * FROM missing').code, 'STOWAGE_INTERNAL', 'an SQL error is a bug');
  db.pragma('max_page_count = 1');
  t.equal(attempt(`INSERT INTO keyed VALUES ('c', '${'x'.repeat(100_000)}')`).code, 'STOWAGE_INSUFFICIENT_STORAGE', 'a full database');
});
