import { rmSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import Database from 'better-sqlite3';
import { expectCode } from '@stowage/testkit';
import { createSqliteCatalog, mapSqliteError, parseSqliteOptions } from '../src/index.js';
import { runBatch, syncLevelOf } from '../src/group-commit.js';
import { DEFERRABLE_OPERATIONS, writeOperations, type WriteOperation } from '../src/write-operations.js';
import { openDatabase } from '../src/open-database.js';
import { CatalogStatements } from '../src/statements.js';
import { candidate, entry, idOf, present, T0 } from './helpers/fixtures.js';

t.test('a batch commits once; a failing job rolls back alone and the others stay committed', async (t) => {
  const file = join(t.testdir(), 'catalog.db');
  const db = openDatabase(parseSqliteOptions({ file }));
  t.teardown(() => db.close());
  const statements = new CatalogStatements(db);
  const a = candidate('a');
  const b = candidate('b');
  const outcomes = runBatch(db, statements, [
    { op: 'claimBlob', args: [a, T0.getTime()] },
    // Claims b, then fails: its claim must be rolled back with it.
    { op: 'insertEntries', args: [[entry(idOf('x'), 'x.txt', a.sha256)]] },
    { op: 'claimBlob', args: [b, T0.getTime()] },
    { op: 'markBlobPresent', args: [b.sha256, T0.getTime()] },
  ]);
  t.same(outcomes.map((outcome) => outcome.ok), [true, false, true, true]);
  const failure = outcomes[1];
  t.equal(failure?.ok === false ? mapSqliteError(failure.error).code : undefined, 'STOWAGE_NOT_FOUND');
  t.equal(statements.selectBlob.get({ sha256: a.sha256 })?.state, 'writing');
  t.equal(statements.selectBlob.get({ sha256: b.sha256 })?.state, 'present');
  t.equal(statements.selectEntryState.get({ id: idOf('x'), filename: 'x.txt' }), undefined);
  t.equal(db.inTransaction, false);
});

t.test('when the transaction cannot start (another connection holds the lock) every job fails BUSY', async (t) => {
  const file = join(t.testdir(), 'catalog.db');
  const db = openDatabase(parseSqliteOptions({ file, busyTimeoutMs: 0 }));
  t.teardown(() => db.close());
  const other = new Database(file);
  t.teardown(() => other.close());
  other.exec('BEGIN IMMEDIATE');
  const outcomes = runBatch(db, new CatalogStatements(db), [
    { op: 'claimBlob', args: [candidate('a'), T0.getTime()] },
    { op: 'claimBlob', args: [candidate('b'), T0.getTime()] },
  ]);
  other.exec('ROLLBACK');
  t.same(
    outcomes.map((outcome) => (outcome.ok ? 'ok' : mapSqliteError(outcome.error).code)),
    ['STOWAGE_BUSY', 'STOWAGE_BUSY'],
  );
  t.equal(mapSqliteError(outcomes[0]?.ok === false ? outcomes[0].error : undefined).retryable, true);
});

t.test('the writer thread answers concurrent writes, each after its commit, with errors as StowageErrors', async (t) => {
  const file = join(t.testdir(), 'catalog.db');
  const catalog = createSqliteCatalog({ file });
  t.teardown(() => catalog.close());
  const claims = await Promise.all(Array.from({ length: 24 }, (_, i) => catalog.claimBlob(candidate(`c${i}`), T0)));
  t.ok(claims.every((claim) => claim.kind === 'write' && Object.isFrozen(claim)));
  const sha = await present(catalog, 'shared');
  const error = await expectCode(catalog.markBlobPresent(sha, T0), 'STOWAGE_NOT_FOUND');
  t.equal(error.context.path, sha);
  const inserted = await catalog.insertEntries([entry(idOf('e'), 'e.txt', sha)]);
  t.equal(inserted[0]?.state, 'pending');
  await expectCode(catalog.insertEntries([entry(idOf('e'), 'e.txt', sha)]), 'STOWAGE_ALREADY_EXISTS');
  // What the thread committed is visible to this thread's connection at once.
  t.equal((await catalog.getEntry({ id: idOf('e'), filename: 'e.txt' }))?.state, 'pending');
  t.equal((await catalog.getBlob(sha))?.refs, 1);
  const other = createSqliteCatalog({ file, writerThread: false });
  t.teardown(() => other.close());
  t.equal((await other.getBlob(candidate('c7').sha256))?.state, 'writing', 'another connection sees the commits');
});

t.test('a writer thread that cannot open the file fails the writes with the mapped error', async (t) => {
  const file = join(t.testdir(), 'catalog.db');
  const catalog = createSqliteCatalog({ file });
  t.teardown(() => catalog.close());
  // The thread opens the file on the first write, and only an existing one.
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
  await expectCode(catalog.claimBlob(candidate('a'), T0), 'STOWAGE_IO');
  await catalog.close();
  await expectCode(catalog.claimBlob(candidate('a'), T0), 'STOWAGE_UNAVAILABLE');
});

t.test('a batch of only deferrable writes commits without the WAL fsync; any other write makes the batch durable', async (t) => {
  const file = join(t.testdir(), 'catalog.db');
  const db = openDatabase(parseSqliteOptions({ file }));
  t.teardown(() => db.close());
  const statements = new CatalogStatements(db);
  const level = (): number => db.pragma('synchronous', { simple: true }) as number;
  const FULL = 2;
  const NORMAL = 1;
  t.equal(level(), FULL, 'the connection opens durable');
  const a = candidate('a');
  // A put's intermediate states: claim, present, pending rows.
  t.ok(runBatch(db, statements, [{ op: 'claimBlob', args: [a, T0.getTime()] }])[0]?.ok);
  t.equal(level(), NORMAL);
  t.ok(runBatch(db, statements, [{ op: 'markBlobPresent', args: [a.sha256, T0.getTime()] }, { op: 'insertEntries', args: [[entry(idOf('x'), 'x.txt', a.sha256)]] }]).every((o) => o.ok));
  t.equal(level(), NORMAL);
  // The transition that acknowledges the put is durable, and its fsync covers the frames before it.
  const key = { id: idOf('x'), filename: 'x.txt' };
  t.ok(runBatch(db, statements, [{ op: 'transitionEntries', args: [[key], 'pending', 'committed'] }])[0]?.ok);
  t.equal(level(), FULL);
  t.ok(runBatch(db, statements, [{ op: 'claimBlob', args: [candidate('b'), T0.getTime()] }, { op: 'deleteEntries', args: [[key], T0.getTime()] }]).every((o) => o.ok));
  t.equal(level(), FULL, 'one durable job makes the whole batch durable');
  t.equal(statements.selectEntryState.get(key), undefined);
});

t.test('exactly the put\'s intermediate writes are deferrable, as the Catalog durability note says', async (t) => {
  t.same([...DEFERRABLE_OPERATIONS].sort(), ['claimBlob', 'insertEntries', 'markBlobPresent', 'releaseBlob']);
  for (const op of Object.keys(writeOperations) as WriteOperation[]) {
    t.equal(syncLevelOf([{ op, args: [] }]), DEFERRABLE_OPERATIONS.has(op) ? 'NORMAL' : 'FULL', op);
  }
  t.equal(syncLevelOf([]), 'NORMAL', 'an empty batch commits nothing to sync');
});
