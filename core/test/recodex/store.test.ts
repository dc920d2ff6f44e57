/**
 * The storage side without HTTP: all-or-nothing commits under injected faults, the rollback of a
 * second upload for an id, and the store's options.
 */
import { createHash } from 'node:crypto';
import t from 'tap';
import { ForwardingBackend } from '../../src/forwarding-backend.js';
import { defineCapabilities } from '../../src/capabilities.js';
import { createMemoryBackend } from '../../src/memory-backend.js';
import { isStowageError } from '../../src/stowage-error.js';
import type { Backend } from '../../src/backend.js';
import { createRecodexStore, RecodexLayout } from '../../src/recodex/index.js';
import { bytesOf, pathsBelow, startRecodexServer, codeOf } from './helpers/recodex-server.js';
import { FaultyBackend } from './helpers/scripted-backends.js';
import { zipMembers } from './helpers/zip-listing.js';

async function rejectionCode(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return isStowageError(error) ? error.code : String(error);
  }
}

async function submit(backend: Backend, id: string, files: readonly [string, string][], signal?: AbortSignal): Promise<unknown> {
  const store = createRecodexStore({ backend });
  const upload = store.beginSubmission(id, signal === undefined ? {} : { signal });
  await Promise.all(files.map(([name, body]) => upload.add(name, [Buffer.from(body)])));
  return upload.commit();
}

/** A memory backend without rename or copy: moves go through read, write and delete. */
class PlainBackend extends ForwardingBackend {
  override readonly capabilities = defineCapabilities({ readWithRange: true, writeIsAtomic: true, statHasModifiedAt: true });

  constructor() {
    super(createMemoryBackend());
    for (const operation of ['rename', 'copy'] as const) Object.defineProperty(this, operation, { value: undefined, enumerable: false, configurable: true });
  }
}

t.test('a commit stores the files and the archive, and removes its staging', async (t) => {
  for (const backend of [createMemoryBackend(), new PlainBackend()]) {
    const committed = (await submit(backend, 'job', [['a.txt', 'A'], ['d/b.txt', 'B']])) as { files: string[]; members: string[]; archive: { path: string } };
    t.same(committed.files, ['a.txt', 'd/b.txt']);
    t.same(committed.members, ['job/', 'job/d/', 'job/a.txt', 'job/d/b.txt']);
    t.equal(committed.archive.path, 'submission_archives/job.zip');
    t.same(await pathsBelow(backend, 'incoming-submissions'), []);
    const members = await zipMembers(await bytesOf(backend, 'submission_archives/job.zip'));
    t.same(members.map((member) => member.bytes.toString()), ['', '', 'A', 'B']);
  }
});

t.test('a failure while moving a new submission in leaves nothing', async (t) => {
  const backend = new FaultyBackend([{ operation: 'rename', path: /-> submissions\/new\/d\/b\.txt$/ }]);
  t.equal(await rejectionCode(submit(backend, 'new', [['a.txt', 'A'], ['d/b.txt', 'B']])), 'STOWAGE_IO');
  t.same(await pathsBelow(backend), ['incoming-submissions/', 'submissions/'], 'only the empty parents of what was removed');
});

t.test('a failing archive write undoes a second upload: replaced files come back, new ones go, the old archive stays', async (t) => {
  const backend = new FaultyBackend([{ operation: 'write', path: /^submission_archives\//, after: 1 }]);
  await submit(backend, 'again', [['keep.txt', 'kept'], ['foo.txt', 'one']]);
  const before = await pathsBelow(backend, 'submissions');
  const archiveBefore = await bytesOf(backend, 'submission_archives/again.zip');
  t.equal(await rejectionCode(submit(backend, 'again', [['foo.txt', 'two'], ['deep/new/n.txt', 'new']])), 'STOWAGE_IO');
  t.same(await pathsBelow(backend, 'submissions'), before, 'new files and folders are gone');
  t.equal((await bytesOf(backend, 'submissions/again/foo.txt')).toString(), 'one', 'the replaced file is back');
  t.ok((await bytesOf(backend, 'submission_archives/again.zip')).equals(archiveBefore), 'the previous archive is intact');
  t.same(await pathsBelow(backend, 'incoming-submissions'), []);
  t.same(backend.failures, ['write submission_archives/again.zip']);
});

t.test('a failure while keeping a replaced file aside changes nothing', async (t) => {
  const backend = new FaultyBackend([{ operation: 'rename', path: /^submissions\/x\/a\.txt -> /, times: 1 }]);
  await submit(backend, 'x', [['a.txt', 'one']]);
  t.equal(await rejectionCode(submit(backend, 'x', [['b.txt', 'b'], ['a.txt', 'two']])), 'STOWAGE_IO');
  t.same(await pathsBelow(backend, 'submissions'), ['submissions/x/', 'submissions/x/a.txt']);
  t.equal((await bytesOf(backend, 'submissions/x/a.txt')).toString(), 'one');
});

t.test('failures before the moves: staging, listing, folder creation', async (t) => {
  for (const rule of [
    { operation: 'write', path: /^incoming-submissions\// },
    { operation: 'list', path: /^submissions\/y$/ },
    { operation: 'stat', path: /^submissions\/y$/ },
    { operation: 'createDir', path: /^submissions\/y$/ },
  ] as const) {
    const backend = new FaultyBackend([rule]);
    t.equal(await rejectionCode(submit(backend, 'y', [['a', 'a']])), 'STOWAGE_IO', rule.operation);
    t.same((await pathsBelow(backend)).filter((path) => !path.endsWith('/')), [], `${rule.operation}: no file stored`);
  }
  // The first upload lists the folder once (for its archive); the second fails listing what is stored.
  const listing = new FaultyBackend([{ operation: 'list', path: /^submissions\/z$/, after: 1 }]);
  await submit(listing, 'z', [['a', 'a']]);
  t.equal(await rejectionCode(submit(listing, 'z', [['b', 'b']])), 'STOWAGE_IO');
  t.same(await pathsBelow(listing, 'submissions'), ['submissions/z/', 'submissions/z/a']);
});

t.test('an abort during the commit rolls back', async (t) => {
  const backend = createMemoryBackend();
  const controller = new AbortController();
  const store = createRecodexStore({ backend });
  const upload = store.beginSubmission('gone', { signal: controller.signal });
  await upload.add('a.txt', [Buffer.from('a')]);
  controller.abort();
  t.equal(await rejectionCode(upload.commit()), 'STOWAGE_ABORTED');
  t.same(await pathsBelow(backend), ['incoming-submissions/']);
});

t.test('an upload is used once', async (t) => {
  const store = createRecodexStore({ backend: createMemoryBackend() });
  const upload = store.beginSubmission('once');
  await upload.add('a', [Buffer.from('a')]);
  await upload.commit();
  t.equal(await rejectionCode(upload.add('b', [Buffer.from('b')])), 'STOWAGE_INVALID_ARGUMENT');
  t.equal(await rejectionCode(upload.commit()), 'STOWAGE_INVALID_ARGUMENT');
  t.equal(await rejectionCode(upload.discard()), 'STOWAGE_INVALID_ARGUMENT');
  const dropped = store.beginSubmission('dropped');
  await dropped.add('a', [Buffer.from('a')]);
  await dropped.discard();
  t.same(await pathsBelow(store.backend, 'submissions'), ['submissions/once/', 'submissions/once/a']);
  t.equal(await rejectionCode(Promise.resolve().then(() => store.beginSubmission('../x'))), 'STOWAGE_INVALID_PATH');
  t.equal(await rejectionCode(store.putResult('a/b', [])), 'STOWAGE_INVALID_PATH');
  const tooDeep = store.beginSubmission('i'.repeat(128));
  t.equal(await rejectionCode(tooDeep.add(`${'d'.repeat(250)}/`.repeat(4) + 'f', [])), 'STOWAGE_INVALID_PATH', 'the stored path would be over 1024 bytes');
});

t.test('options: a root folder, and bad options', async (t) => {
  const backend = createMemoryBackend();
  const store = createRecodexStore({ backend, root: '/fs/data/' });
  const upload = store.beginSubmission('r');
  await upload.add('a', [Buffer.from('a')]);
  await upload.commit();
  await store.putResult('r', [Buffer.from('res')]);
  await store.tasks.put([Buffer.from('task')]);
  const files = (await pathsBelow(backend)).filter((path) => !path.endsWith('/'));
  const hash = createHash('sha1').update('task').digest('hex');
  t.same(files, ['fs/data/results/r.zip', 'fs/data/submission_archives/r.zip', 'fs/data/submissions/r/a', `fs/data/tasks/${hash[0] as string}/${hash}`]);
  t.equal(new RecodexLayout().archive('x'), 'submission_archives/x.zip');
  const bad: unknown[] = [null, {}, { backend: {} }, { backend, root: 3 }, { backend, root: '../x' }, { backend, compress: 'yes' }];
  for (const options of bad) {
    try {
      createRecodexStore(options as never);
      t.fail('accepted');
    } catch (error) {
      t.ok(isStowageError(error, 'STOWAGE_INVALID_CONFIG'), JSON.stringify(options));
    }
  }
});

t.test('over HTTP, a backend failure is a 500 JSON error without details, and nothing is half stored', async (t) => {
  const backend = new FaultyBackend([{ operation: 'write', path: /^submission_archives\// }]);
  const server = await startRecodexServer(t, {}, backend);
  const answer = await server.post('/submissions/broken', [['a.txt', 'a']]);
  t.equal(answer.status, 500);
  t.same(JSON.parse(answer.body.toString()), { error: 'The server failed to answer this request', code: 'STOWAGE_IO' });
  t.same((await pathsBelow(backend)).filter((path) => !path.endsWith('/')), []);
  t.equal(codeOf(await server.request('GET', '/submission_archives/broken.zip')), 'STOWAGE_NOT_FOUND');
});
