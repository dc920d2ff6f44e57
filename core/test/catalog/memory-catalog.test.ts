import t from 'tap';
import { createMemoryCatalog } from '../../src/catalog/index.js';
import { isStowageError, type StowageError } from '../../src/stowage-error.js';
import { candidate, entry, ID, SHA, T0 } from '../helpers/catalog-rows.js';

// The memory catalog runs the whole conformance suite in plugins/testkit/test (core cannot
// depend on the testkit, which depends on core). These tests cover what is particular to it.


async function failure(action: Promise<unknown>): Promise<StowageError> {
  try {
    await action;
  } catch (error) {
    if (isStowageError(error)) return error;
    throw error;
  }
  throw new Error('expected a StowageError');
}

t.test('the memory catalog is named memory', async (t) => {
  t.equal(createMemoryCatalog().name, 'memory');
});

t.test('NOT_FOUND errors name the entry or the blob in context.path', async (t) => {
  const catalog = createMemoryCatalog();
  const missingEntry = await failure(catalog.setReplacement({ id: ID, filename: 'gone.txt' }, null));
  t.equal(missingEntry.code, 'STOWAGE_NOT_FOUND');
  t.equal(missingEntry.context.path, `${ID}/gone.txt`);
  const missingBlob = await failure(catalog.markBlobPresent(SHA, T0));
  t.equal(missingBlob.context.path, SHA);
  await catalog.claimBlob(candidate, T0);
  await catalog.markBlobPresent(SHA, T0);
  await catalog.insertEntries([entry]);
  const taken = await failure(catalog.insertEntries([entry]));
  t.equal(taken.code, 'STOWAGE_ALREADY_EXISTS');
  t.equal(taken.context.path, `${ID}/f.txt`);
});

t.test('a released rewrite of a referenced lost blob returns it to lost at the location of the failed claim', async (t) => {
  const catalog = createMemoryCatalog();
  await catalog.claimBlob(candidate, T0);
  await catalog.markBlobPresent(SHA, T0);
  await catalog.insertEntries([entry]);
  await catalog.markBlobLost(SHA);
  await catalog.claimBlob({ ...candidate, path: 'retry/here' }, new Date(T0.getTime() + 1));
  await catalog.releaseBlob(SHA);
  const blob = await catalog.getBlob(SHA);
  t.equal(blob?.state, 'lost');
  t.equal(blob?.refs, 1);
  t.equal(blob?.createdAt.getTime(), T0.getTime(), 'the row keeps its creation time');
});

t.test('close drops the data and answers UNAVAILABLE, not retryable', async (t) => {
  const catalog = createMemoryCatalog();
  await catalog.claimBlob(candidate, T0);
  await catalog.close();
  const error = await failure(catalog.getBlob(SHA));
  t.equal(error.code, 'STOWAGE_UNAVAILABLE');
  t.equal(error.retryable, false);
});

t.test('a scan that outlives close fails at its next step', async (t) => {
  const catalog = createMemoryCatalog();
  for (const label of ['1', '2']) await catalog.claimBlob({ ...candidate, sha256: label.repeat(64) }, T0);
  const iterator = catalog.scanBlobs()[Symbol.asyncIterator]();
  t.equal((await iterator.next()).done, false);
  await catalog.close();
  t.equal((await failure(iterator.next())).code, 'STOWAGE_UNAVAILABLE');
});

t.test('entries sharing a position are listed by filename, in UTF-8 byte order', async (t) => {
  const catalog = createMemoryCatalog();
  await catalog.claimBlob(candidate, T0);
  await catalog.markBlobPresent(SHA, T0);
  const names = ['b', '\u{1F600}', 'B', '\uFF21', 'a'];
  await catalog.insertEntries(names.map((filename) => ({ ...entry, filename })));
  t.same((await catalog.listEntries(ID)).map((listed) => listed.filename), ['B', 'a', 'b', '\uFF21', '\u{1F600}']);
});
