import { join } from 'node:path';
import Database from 'better-sqlite3';
import t from 'tap';
import { expectCode } from '@stowage/testkit';
import { APPLICATION_ID, createSqliteCatalog, parseSqliteOptions, SCHEMA_VERSION } from '../src/index.js';
import { openDatabase } from '../src/open-database.js';
import { at, contents, entry, idOf, present, T0 } from './helpers/fixtures.js';

t.test('the connection runs in WAL mode with synchronous=FULL, foreign keys and the busy timeout', async (t) => {
  const file = join(t.testdir(), 'catalog.db');
  const db = openDatabase(parseSqliteOptions({ file, busyTimeoutMs: 1234 }));
  t.teardown(() => db.close());
  t.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  t.equal(db.pragma('synchronous', { simple: true }), 2, 'FULL is 2');
  t.equal(db.pragma('foreign_keys', { simple: true }), 1);
  t.equal(db.pragma('busy_timeout', { simple: true }), 1234);
  t.equal(db.pragma('application_id', { simple: true }), APPLICATION_ID);
  t.equal(db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
});

t.test('the file a catalog creates is in WAL mode for every later connection', async (t) => {
  const file = join(t.testdir(), 'catalog.db');
  await createSqliteCatalog({ file }).close();
  const raw = new Database(file);
  t.teardown(() => raw.close());
  t.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
});

t.test('an in-memory catalog works and is private to its connection', async (t) => {
  const first = createSqliteCatalog({ file: ':memory:' });
  const second = createSqliteCatalog({ file: ':memory:' });
  t.teardown(async () => {
    await first.close();
    await second.close();
  });
  t.equal(first.name, 'sqlite::memory:');
  await present(first, 'blob');
  t.equal((await contents(first)).blobs.length, 1);
  t.equal((await contents(second)).blobs.length, 0);
});

t.test('everything survives closing and reopening the file, in every state', async (t) => {
  const file = join(t.testdir(), 'catalog.db');
  const catalog = createSqliteCatalog({ file });
  t.equal(catalog.name, `sqlite:${file}`);
  const shared = await present(catalog, 'shared');
  const lost = await present(catalog, 'lost');
  await catalog.claimBlob({ sha256: 'c'.repeat(64), sha1: 'd'.repeat(40), size: 9, backend: 'b', path: 'p' }, at(5));
  const id = idOf('persist');
  await catalog.insertEntries([
    entry(id, 'a.txt', shared, { expiresAt: at(60_000), visibility: 'public', readers: [], writers: ['w1', 'w2'] }),
    entry(id, 'B.txt', shared, { position: 1, size: 2 ** 40 }),
    entry(id, 'ünï ☃ 😀', lost, { position: 2, createdAt: new Date(-86_400_001) }),
  ]);
  await catalog.transitionEntries([{ id, filename: 'a.txt' }], 'pending', 'committed');
  await catalog.setReplacement({ id, filename: 'B.txt' }, { id: idOf('next'), filename: 'B v2.txt' });
  await catalog.markBlobLost(lost);
  const before = await contents(catalog);
  await catalog.close();

  const reopened = createSqliteCatalog({ file });
  t.teardown(() => reopened.close());
  t.same(await contents(reopened), before);
  t.equal(before.entries.length, 3);
  t.equal(before.blobs.length, 3);
  const big = await reopened.getEntry({ id, filename: 'B.txt' });
  t.equal(big?.size, 2 ** 40, 'sizes beyond 32 bits');
  t.same(big?.replacedBy, { id: idOf('next'), filename: 'B v2.txt' });
  t.equal((await reopened.getEntry({ id, filename: 'ünï ☃ 😀' }))?.createdAt.getTime(), -86_400_001, 'dates before 1970');
  t.equal((await reopened.getBlob(shared))?.refs, 2);
  t.same((await reopened.getBlob(shared))?.touchedAt, T0);
});

t.test('an existing catalog is opened without being created again', async (t) => {
  const file = join(t.testdir(), 'catalog.db');
  const first = createSqliteCatalog({ file });
  await present(first, 'kept');
  const second = createSqliteCatalog({ file });
  t.teardown(async () => {
    await first.close();
    await second.close();
  });
  t.equal((await contents(second)).blobs.length, 1);
});

t.test('a file in a missing directory is INVALID_CONFIG; a directory in place of the file is IO', async (t) => {
  const dir = t.testdir({ 'plain-file': 'x' });
  t.throws(() => createSqliteCatalog({ file: join(dir, 'missing', 'catalog.db') }), { code: 'STOWAGE_INVALID_CONFIG', message: /file/ });
  t.throws(() => createSqliteCatalog({ file: join(dir, 'plain-file', 'catalog.db') }), { code: 'STOWAGE_INVALID_CONFIG', message: /file/ });
  t.throws(() => createSqliteCatalog({ file: dir }), { code: 'STOWAGE_IO' });
});

t.test('another program\'s database is refused with INVALID_CONFIG and left unchanged', async (t) => {
  const file = join(t.testdir(), 'other.db');
  const raw = new Database(file);
  raw.exec('CREATE TABLE notes (body TEXT)');
  raw.close();
  t.throws(() => createSqliteCatalog({ file }), { code: 'STOWAGE_INVALID_CONFIG', message: /file/ });
  const check = new Database(file);
  t.teardown(() => check.close());
  t.same(check.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").pluck().all(), ['notes']);
});

t.test('a catalog written by a newer version is refused with INVALID_CONFIG', async (t) => {
  const file = join(t.testdir(), 'catalog.db');
  await createSqliteCatalog({ file }).close();
  const raw = new Database(file);
  raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
  raw.close();
  t.throws(() => createSqliteCatalog({ file }), { code: 'STOWAGE_INVALID_CONFIG', message: /version/ });
  t.throws(() => createSqliteCatalog({ file, readonly: true }), { code: 'STOWAGE_INVALID_CONFIG', message: /version/ });
});

t.test('a file that claims to be a current catalog but lacks its tables is refused, and closed again', async (t) => {
  const file = join(t.testdir(), 'catalog.db');
  const raw = new Database(file);
  raw.pragma(`application_id = ${APPLICATION_ID}`);
  raw.pragma(`user_version = ${SCHEMA_VERSION}`);
  raw.close();
  const error = await expectCode(async () => createSqliteCatalog({ file }), 'STOWAGE_INTERNAL');
  t.ok(error.cause instanceof Error);
  // The failed open released the file: an exclusive lock can be taken at once.
  const check = new Database(file, { timeout: 0 });
  t.teardown(() => check.close());
  t.doesNotThrow(() => check.exec('BEGIN EXCLUSIVE; COMMIT'));
});

t.test('a read-only catalog of an older schema version is refused, since it cannot be migrated', async (t) => {
  const file = join(t.testdir(), 'catalog.db');
  const raw = new Database(file);
  raw.exec('CREATE TABLE blobs (sha256 TEXT PRIMARY KEY)');
  raw.pragma(`application_id = ${APPLICATION_ID}`);
  raw.close();
  t.throws(() => createSqliteCatalog({ file, readonly: true }), { code: 'STOWAGE_INVALID_CONFIG', message: /version 0/ });
});
