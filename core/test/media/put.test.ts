import { Readable } from 'node:stream';
import t, { type Test } from 'tap';
import type { Backend } from '../../src/backend.js';
import { ForwardingBackend } from '../../src/forwarding-backend.js';
import { createMemoryBackend } from '../../src/memory-backend.js';
import { StowageError } from '../../src/stowage-error.js';
import { bytesOf, longIdByFormula, mediaFixture, sha256Hex, TEST_SALT } from '../helpers/media-fixture.js';

const alice = { name: 'alice' };

async function* chunks(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield Buffer.from(part);
}

t.test('a put stores one file under a long id that follows the documented formula', async (t) => {
  const { stowage, catalog, labels } = mediaFixture();
  const result = await stowage.put({ filename: 'notes.txt', source: chunks('hello ', 'world') }, { principal: alice });
  t.match(result.id, /^[0-9a-f]{64}$/);
  t.same(result.deduplicated, [false]);
  const [entry] = result.entries;
  if (entry === undefined) throw new Error('no entry');
  t.equal(entry.filename, 'notes.txt');
  t.equal(entry.state, 'committed');
  t.equal(entry.size, 11);
  t.equal(entry.sha256, sha256Hex('hello world'));
  t.equal(entry.contentType, 'text/plain');
  t.equal(entry.author, 'alice');
  t.equal(entry.visibility, 'private');
  t.equal(entry.backend, 'default');
  t.equal(entry.path, `blobs/${entry.sha256.slice(0, 2)}/${entry.sha256.slice(2, 4)}/${entry.sha256}`);
  t.match(entry.plannedPath, /^default:incoming\/[0-9a-f]{32}\/0$/);
  t.equal(entry.saltKeyId, 'default');
  t.equal(result.id, longIdByFormula(entry.createdAt, [{ plannedPath: entry.plannedPath, contents: Buffer.from('hello world') }], 'alice', TEST_SALT));
  t.equal(await stowage.verifyLongId(result.id), true);
  t.same(labels, ['put:staged', 'put:claimed', 'put:moved', 'put:stored', 'put:recorded', 'put:committed']);
  const blob = await catalog.getBlob(entry.sha256);
  t.equal(blob?.refs, 1);
  t.equal(blob?.state, 'present');
  const opened = await stowage.open({ id: result.id, filename: 'notes.txt' }, { principal: alice });
  if (opened.kind !== 'content') throw new Error('expected content');
  t.equal((await bytesOf(opened.stream)).toString(), 'hello world');
});

t.test('a folder-like hashes every file in upload order and lists them in that order', async (t) => {
  const { stowage } = mediaFixture();
  const files = ['zeta.bin', 'alpha.json', 'mid.html'].map((filename, index) => ({ filename, source: [Buffer.from(`content ${index}`)] }));
  const result = await stowage.put(files, { visibility: 'public' });
  t.same(result.entries.map((entry) => entry.filename), ['zeta.bin', 'alpha.json', 'mid.html']);
  t.same(result.entries.map((entry) => entry.position), [0, 1, 2]);
  t.same(result.entries.map((entry) => entry.contentType), ['application/octet-stream', 'application/json', 'text/html']);
  const first = result.entries[0];
  if (first === undefined) throw new Error('no entry');
  const expected = longIdByFormula(
    first.createdAt,
    result.entries.map((entry, index) => ({ plannedPath: entry.plannedPath, contents: Buffer.from(`content ${index}`) })),
    '',
    TEST_SALT,
  );
  t.equal(result.id, expected);
  t.same((await stowage.list(result.id)).map((entry) => entry.filename), ['zeta.bin', 'alpha.json', 'mid.html']);
  t.equal(await stowage.verifyLongId(result.id), true);
});

t.test('verifyLongId notices changed bytes and unknown ids', async (t) => {
  const { stowage, backends } = mediaFixture();
  const result = await stowage.put({ filename: 'a.txt', source: [Buffer.from('original')] });
  const entry = result.entries[0];
  if (entry === undefined) throw new Error('no entry');
  await (backends['default'] as Backend).write(entry.path, [Buffer.from('tampered')]);
  t.equal(await stowage.verifyLongId(result.id), false);
  await t.rejects(stowage.verifyLongId('0'.repeat(64)), { code: 'STOWAGE_NOT_FOUND' });
  await t.rejects(stowage.verifyLongId('not-an-id'), { code: 'STOWAGE_NOT_FOUND' });
});

t.test('50 concurrent puts of identical bytes store one blob with 50 references', async (t) => {
  const { stowage, catalog, backends } = mediaFixture();
  const payload = Buffer.alloc(64 * 1024, 7);
  const results = await Promise.all(
    Array.from({ length: 50 }, (_, index) => stowage.put({ filename: `copy-${index}.bin`, source: [payload.subarray(0, 1000), payload.subarray(1000)] })),
  );
  t.equal(new Set(results.map((result) => result.id)).size, 50, 'every put has its own id');
  t.equal(results.filter((result) => result.deduplicated[0] === false).length, 1, 'exactly one put wrote the blob');
  const blob = await catalog.getBlob(sha256Hex(payload));
  t.equal(blob?.refs, 50);
  const files: string[] = [];
  for await (const entry of (backends['default'] as Backend).list('', { recursive: true })) if (entry.kind === 'file') files.push(entry.path);
  t.same(files, [blob?.path], 'one blob and no staging leftovers');
});

t.test('the same filename with other bytes is another blob: nothing links on a name or a claim', async (t) => {
  const { stowage, catalog } = mediaFixture();
  const first = await stowage.put({ filename: 'same.txt', source: [Buffer.from('one')] });
  const second = await stowage.put({ filename: 'same.txt', source: [Buffer.from('two')], size: 3 });
  t.not(first.entries[0]?.sha256, second.entries[0]?.sha256);
  t.equal((await catalog.getBlob(sha256Hex('one')))?.refs, 1);
  t.equal((await catalog.getBlob(sha256Hex('two')))?.refs, 1);
});

/** A backend whose writes under a prefix fail. */
class FailingWrites extends ForwardingBackend {
  constructor(
    inner: Backend,
    private readonly prefix: string,
    private readonly error: StowageError,
  ) {
    super(inner);
  }
  override async write(...args: Parameters<Backend['write']>): ReturnType<Backend['write']> {
    if (args[0].startsWith(this.prefix)) {
      for await (const chunk of args[1]) void chunk;
      throw this.error;
    }
    return super.write(...args);
  }
}

async function assertNothingReferenced(t: Test, fixture: ReturnType<typeof mediaFixture>): Promise<void> {
  const entries = [];
  for await (const entry of fixture.catalog.scanEntries()) entries.push(entry);
  t.same(entries, [], 'no entries');
  for await (const blob of fixture.catalog.scanBlobs()) t.equal(blob.refs, 0, 'no references');
}

t.test('a failed backend write leaves nothing referenced and no staging files', async (t) => {
  const inner = createMemoryBackend();
  const fixture = mediaFixture({ backends: new FailingWrites(inner, 'incoming/', new StowageError('STOWAGE_INSUFFICIENT_STORAGE', 'full')) });
  await t.rejects(fixture.stowage.put({ filename: 'a.txt', source: [Buffer.from('data')] }), { code: 'STOWAGE_INSUFFICIENT_STORAGE' });
  await assertNothingReferenced(t, fixture);
  const left = [];
  for await (const entry of inner.list('', { recursive: true })) if (entry.kind === 'file') left.push(entry.path);
  t.same(left, []);
});

t.test('a source that fails mid-stream aborts the put and releases the other sources', async (t) => {
  const fixture = mediaFixture();
  async function* broken(): AsyncGenerator<Uint8Array> {
    yield Buffer.from('partial');
    throw new Error('client went away');
  }
  const second = Readable.from([Buffer.from('never read')]);
  const error = await fixture.stowage.put([
    { filename: 'a.txt', source: broken() },
    { filename: 'b.txt', source: second },
  ]).catch((caught: unknown) => caught);
  t.ok(error instanceof StowageError);
  await assertNothingReferenced(t, fixture);
  t.equal(second.destroyed, true, 'the unread source was released');
});

t.test('an application stage can veto before the bytes are written, and undo after they are recorded', async (t) => {
  const fixture = mediaFixture();
  fixture.stowage.pipeline('put').use(
    {
      name: 'virus-scan',
      async run(context, next) {
        if (context.files.some((file) => file.filename.endsWith('.exe'))) {
          throw new StowageError('STOWAGE_REJECTED', 'executables are not accepted');
        }
        await next();
      },
    },
    { before: 'write' },
  );
  await t.rejects(fixture.stowage.put({ filename: 'tool.exe', source: [Buffer.from('MZ')] }), { code: 'STOWAGE_REJECTED' });
  await assertNothingReferenced(t, fixture);

  fixture.stowage.pipeline('put').use(
    {
      name: 'late-veto',
      async run(context, next) {
        if (context.files.some((file) => file.filename === 'veto.txt')) throw new StowageError('STOWAGE_REJECTED', 'no');
        await next();
      },
    },
    { before: 'commit' },
  );
  await t.rejects(fixture.stowage.put({ filename: 'veto.txt', source: [Buffer.from('x')] }), { code: 'STOWAGE_REJECTED' });
  await assertNothingReferenced(t, fixture);
  const ok = await fixture.stowage.put({ filename: 'fine.txt', source: [Buffer.from('x')] });
  t.equal(ok.entries.length, 1);
});

t.test('limits: files, bytes per file and per put', async (t) => {
  const fixture = mediaFixture({ limits: { maxFiles: 2, maxFileBytes: 10, maxTotalBytes: 15 } });
  const file = (filename: string, bytes: number) => ({ filename, source: [Buffer.alloc(bytes, 1)] });
  await t.rejects(fixture.stowage.put([file('a', 1), file('b', 1), file('c', 1)]), { code: 'STOWAGE_TOO_LARGE' });
  await t.rejects(fixture.stowage.put(file('a', 11)), { code: 'STOWAGE_TOO_LARGE' });
  await t.rejects(fixture.stowage.put({ ...file('a', 1), size: 11 }), { code: 'STOWAGE_TOO_LARGE' });
  await t.rejects(fixture.stowage.put([file('a', 10), file('b', 6)]), { code: 'STOWAGE_TOO_LARGE' });
  await assertNothingReferenced(t, fixture);
  t.equal((await fixture.stowage.put([file('a', 10), file('b', 5)])).entries.length, 2);
});

t.test('bad filenames, options and sizes are refused before any byte is read', async (t) => {
  const { stowage } = mediaFixture();
  let pulled = false;
  const source = (async function* () {
    pulled = true;
    yield Buffer.from('x');
  })();
  for (const filename of ['', '..', '.', 'a/b', 'a\\b', 'nul\0byte', 'ctrl\u0001', 'trailing/', '/leading', 'x//y']) {
    await t.rejects(stowage.put({ filename, source }), { code: 'STOWAGE_INVALID_PATH' }, JSON.stringify(filename));
  }
  await t.rejects(stowage.put({ filename: 42 as unknown as string, source }), { code: 'STOWAGE_INVALID_PATH' });
  await t.rejects(stowage.put([]), { code: 'STOWAGE_INVALID_ARGUMENT' });
  await t.rejects(stowage.put([{ filename: 'a', source }, { filename: 'a', source }]), { code: 'STOWAGE_INVALID_ARGUMENT' });
  await t.rejects(stowage.put([{ filename: 'é', source }, { filename: 'e\u0301', source }]), { code: 'STOWAGE_INVALID_ARGUMENT' }, 'NFC duplicates');
  await t.rejects(stowage.put({ filename: 'a', source: undefined as unknown as [] }), { code: 'STOWAGE_INVALID_ARGUMENT' });
  await t.rejects(stowage.put({ filename: 'a', source, size: -1 }), { code: 'STOWAGE_INVALID_ARGUMENT' });
  await t.rejects(stowage.put({ filename: 'a', source, contentType: 'not a type' }), { code: 'STOWAGE_INVALID_ARGUMENT' });
  await t.rejects(stowage.put({ filename: 'a', source }, { visibility: 'secret' as 'public' }), { code: 'STOWAGE_INVALID_ARGUMENT' });
  await t.rejects(stowage.put({ filename: 'a', source }, { readers: [''] }), { code: 'STOWAGE_INVALID_ARGUMENT' });
  await t.rejects(stowage.put({ filename: 'a', source }, { writers: 'bob' as unknown as string[] }), { code: 'STOWAGE_INVALID_ARGUMENT' });
  await t.rejects(stowage.put({ filename: 'a', source }, { keepDays: 0 }), { code: 'STOWAGE_INVALID_ARGUMENT' });
  await t.rejects(stowage.put({ filename: 'a', source }, null as unknown as {}), { code: 'STOWAGE_INVALID_ARGUMENT' });
  t.equal(pulled, false);
  const nfc = await stowage.put({ filename: 'e\u0301.txt', source: [Buffer.from('x')], contentType: 'text/plain; charset=utf-8' });
  t.equal(nfc.entries[0]?.filename, 'é.txt');
  t.equal(nfc.entries[0]?.contentType, 'text/plain; charset=utf-8');
});

t.test('the upload guard refuses anonymous and unwelcome callers', async (t) => {
  const { stowage } = mediaFixture({ permissions: { canUpload: (principal) => principal?.name === 'alice' } });
  await t.rejects(stowage.put({ filename: 'a', source: [Buffer.from('x')] }), { code: 'STOWAGE_UNAUTHENTICATED' });
  await t.rejects(stowage.put({ filename: 'a', source: [Buffer.from('x')] }, { principal: { name: 'bob' } }), { code: 'STOWAGE_FORBIDDEN' });
  t.equal((await stowage.put({ filename: 'a', source: [Buffer.from('x')] }, { principal: alice })).entries.length, 1);
});

t.test('an aborted put commits nothing', async (t) => {
  const fixture = mediaFixture();
  const controller = new AbortController();
  const source = (async function* () {
    yield Buffer.from('start');
    controller.abort();
    await new Promise((resolve) => setTimeout(resolve, 5));
    yield Buffer.from('more');
  })();
  await t.rejects(fixture.stowage.put({ filename: 'a', source }, { signal: controller.signal }), { code: 'STOWAGE_ABORTED' });
  await assertNothingReferenced(t, fixture);
  await t.rejects(fixture.stowage.put({ filename: 'a', source: [Buffer.from('x')] }, { signal: AbortSignal.abort() }), { code: 'STOWAGE_ABORTED' });
});

t.test('shards: each entry records its shard and reads never recompute it', async (t) => {
  const fixture = mediaFixture({}, ['east', 'west', 'north']);
  const results = await Promise.all(Array.from({ length: 30 }, (_, index) => fixture.stowage.put({ filename: `f${index}`, source: [Buffer.from(`bytes ${index}`)] }, { visibility: 'public' })));
  const used = new Set(results.map((result) => result.entries[0]?.backend));
  t.ok(used.size >= 2, 'placement spreads files');
  const { createStowage } = await import('../../src/create-stowage.js');
  const reordered = createStowage({
    backends: [
      { name: 'north', backend: fixture.backends['north'] as Backend },
      { name: 'east', backend: fixture.backends['east'] as Backend, active: false },
      { name: 'west', backend: fixture.backends['west'] as Backend, active: false },
    ],
    catalog: fixture.catalog,
    salt: TEST_SALT,
  });
  for (const [index, result] of results.entries()) {
    const opened = await reordered.open({ id: result.id, filename: `f${index}` });
    if (opened.kind !== 'content') throw new Error('expected content');
    t.equal((await bytesOf(opened.stream)).toString(), `bytes ${index}`);
  }
  const fresh = await reordered.put({ filename: 'new', source: [Buffer.from('fresh bytes')] });
  t.equal(fresh.entries[0]?.backend, 'north', 'inactive shards receive nothing new');
});

t.test('keepDays comes from the put, else from the backend descriptor', async (t) => {
  const fixture = mediaFixture({}, ['short'], { keepDays: 2 });
  const inherited = await fixture.stowage.put({ filename: 'a', source: [Buffer.from('a')] });
  const entry = inherited.entries[0];
  t.equal(entry?.expiresAt?.getTime(), (entry?.createdAt.getTime() ?? 0) + 2 * 86_400_000);
  const own = await fixture.stowage.put({ filename: 'b', source: [Buffer.from('b')] }, { keepDays: 0.5 });
  t.equal(own.entries[0]?.expiresAt?.getTime(), (own.entries[0]?.createdAt.getTime() ?? 0) + 43_200_000);
  const forever = await fixture.stowage.put({ filename: 'c', source: [Buffer.from('c')] }, { keepDays: null });
  t.equal(forever.entries[0]?.expiresAt, null);
});

t.test('every hashing mode gives the same digests and long id', async (t) => {
  const payload = Buffer.alloc(3 * 1024 * 1024 + 17, 'q');
  const ids = new Set<string>();
  for (const hashing of ['inline', 'worker', 'auto'] as const) {
    const fixture = mediaFixture({ hashing });
    const now = fixture.clock.now;
    const result = await fixture.stowage.put({ filename: 'big.bin', source: [payload.subarray(0, 1_000_000), payload.subarray(1_000_000)] }, { principal: alice });
    t.equal(result.entries[0]?.sha256, sha256Hex(payload), hashing);
    t.equal(fixture.clock.now, now);
    const entry = result.entries[0];
    if (entry === undefined) throw new Error('no entry');
    t.equal(result.id, longIdByFormula(entry.createdAt, [{ plannedPath: entry.plannedPath, contents: payload }], 'alice', TEST_SALT), hashing);
    ids.add(entry.sha1);
  }
  t.equal(ids.size, 1);
});

t.test('free-space placement sends new data to shards with room', async (t) => {
  const fixture = mediaFixture({}, ['full', 'roomy']);
  const { createStowage } = await import('../../src/create-stowage.js');
  const stowage = createStowage({
    backends: [
      { name: 'full', backend: fixture.backends['full'] as Backend, freeBytes: async () => 0 },
      { name: 'roomy', backend: fixture.backends['roomy'] as Backend, freeBytes: async () => 10 * 1024 ** 3 },
    ],
    placement: 'free-space',
    salt: TEST_SALT,
  });
  for (let index = 0; index < 10; index++) {
    const result = await stowage.put({ filename: `f${index}`, source: [Buffer.from(`bytes ${index}`)] });
    t.equal(result.entries[0]?.backend, 'roomy');
  }
});
