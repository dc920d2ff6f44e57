// The "How it will be checked" of issue 3, played from outside: only the public entry of
// @stowage/core is imported, and long ids are recomputed with node:crypto directly.
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import t from 'tap';
import {
  createMemoryBackend,
  createMemoryCatalog,
  createStowage,
  ForwardingBackend,
  isStowageError,
  StowageError,
  type Backend,
  type BackendEntry,
  type Catalog,
  type CatalogEntry,
  type ReadOptions,
  type ReadResult,
  type StowageConfig,
} from '../../src/index.js';

const SALT = 'acceptance-salt-0123456789';
const T0 = Date.parse('2026-03-01T10:20:30.456Z');
const DAY = 86_400_000;
const GRACE = 60_000;
const alice = { name: 'alice' };
const bob = { name: 'bob' };
const carol = { name: 'carol' };
const dave = { name: 'dave' };

/** A backend that counts reads, to prove refusals happen before any byte I/O. */
class CountingBackend extends ForwardingBackend {
  reads = 0;
  override read(path: string, options?: ReadOptions): Promise<ReadResult> {
    this.reads++;
    return super.read(path, options);
  }
}

function setup(overrides: Partial<StowageConfig> = {}) {
  const clock = { now: T0 };
  const backend = new CountingBackend(createMemoryBackend({ name: 'disk' }));
  const catalog: Catalog = overrides.catalog ?? createMemoryCatalog();
  const stowage = createStowage({
    backends: backend,
    catalog,
    salt: SALT,
    clock: () => new Date(clock.now),
    retention: { graceMs: GRACE, staleAfterMs: GRACE },
    ...overrides,
  });
  return { stowage, catalog, backend, clock };
}

async function code(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return isStowageError(error) ? error.code : `not a StowageError: ${String(error)}`;
  }
  return 'resolved';
}

async function bytesOf(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks).toString('utf8');
}

async function files(backend: Backend, prefix: string): Promise<BackendEntry[]> {
  const found: BackendEntry[] = [];
  try {
    for await (const entry of backend.list(prefix, { recursive: true })) if (entry.kind === 'file') found.push(entry);
  } catch (error) {
    if (!(isStowageError(error) && error.code === 'STOWAGE_NOT_FOUND')) throw error;
  }
  return found;
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** sha256(uploadedAt ‖ (plannedPath_i ‖ contents_i)… ‖ author ‖ salt), all UTF-8, plain concatenation. */
function formula(uploadedAt: string, parts: readonly (readonly [string, string])[], author: string, salt: string): string {
  const hash = createHash('sha256').update(uploadedAt, 'utf8');
  for (const [plannedPath, contents] of parts) hash.update(plannedPath, 'utf8').update(contents, 'utf8');
  return hash.update(author, 'utf8').update(salt, 'utf8').digest('hex');
}

function only<T>(items: readonly T[]): T {
  if (items.length !== 1 || items[0] === undefined) throw new Error(`expected one item, got ${items.length}`);
  return items[0];
}

t.test('long ids follow the documented formula (single file and folder-like)', async (t) => {
  const { stowage } = setup();
  const single = await stowage.put({ filename: 'report.pdf', source: [Buffer.from('%PDF-1.7 hello')] }, { principal: alice });
  const entry = only(single.entries);
  t.equal(entry.createdAt.toISOString(), '2026-03-01T10:20:30.456Z', 'uploadedAt comes from the configured clock');
  t.equal(entry.author, 'alice');
  t.match(entry.plannedPath, /^default:/);
  t.equal(single.id, formula(entry.createdAt.toISOString(), [[entry.plannedPath, '%PDF-1.7 hello']], 'alice', SALT));
  t.equal(await stowage.verifyLongId(single.id), true);

  const contents = ['first file', 'second, ünïcödé', ''];
  const folder = await stowage.put(
    contents.map((text, index) => ({ filename: `part-${2 - index}.txt`, source: [Buffer.from(text)] })),
    { visibility: 'public' },
  );
  t.equal(folder.entries.length, 3);
  const uploadedAt = only([...new Set(folder.entries.map((e) => e.createdAt.toISOString()))]);
  const parts = folder.entries.map((e, index) => [e.plannedPath, contents[index] ?? ''] as const);
  t.equal(folder.id, formula(uploadedAt, parts, '', SALT), 'anonymous author is the empty string');
  t.equal(await stowage.verifyLongId(folder.id), true);
});

t.test('salt rotation keeps old ids verifiable and records the key id', async (t) => {
  const catalog = createMemoryCatalog();
  const backend = createMemoryBackend();
  const old = createStowage({ backends: backend, catalog, salt: { current: 'k1', salts: { k1: 'first-salt-0123456789' } } });
  const before = await old.put({ filename: 'a.txt', source: [Buffer.from('a')] }, { principal: alice });
  t.equal(only(before.entries).saltKeyId, 'k1');
  const rotated = createStowage({
    backends: backend,
    catalog,
    salt: { current: 'k2', salts: { k1: 'first-salt-0123456789', k2: 'second-salt-0123456789' } },
  });
  const after = await rotated.put({ filename: 'a.txt', source: [Buffer.from('a')] }, { principal: alice });
  const entry = only(after.entries);
  t.equal(entry.saltKeyId, 'k2');
  t.equal(after.id, formula(entry.createdAt.toISOString(), [[entry.plannedPath, 'a']], 'alice', 'second-salt-0123456789'));
  t.equal(await rotated.verifyLongId(before.id), true);
  t.equal(await rotated.verifyLongId(after.id), true);
});

t.test('folder-like resolution is exact and lists in upload order', async (t) => {
  const { stowage } = setup();
  const { id } = await stowage.put([
    { filename: 'zeta.txt', source: [Buffer.from('z')] },
    { filename: 'abc.txt', source: [Buffer.from('abc')] },
    { filename: 'mid.txt', source: [Buffer.from('m')] },
  ], { visibility: 'public' });
  const found = await stowage.stat({ id, filename: 'abc.txt' });
  t.equal(found.kind, 'entry');
  for (const filename of ['def.txt', 'ABC.txt', 'abc.txt/', 'abc.txt ', './abc.txt', '']) {
    t.equal(await code(stowage.stat({ id, filename })), 'STOWAGE_NOT_FOUND', `"${filename}" does not resolve`);
    t.equal(await code(stowage.open({ id, filename })), 'STOWAGE_NOT_FOUND');
  }
  t.equal(await code(stowage.stat({ id: id.toUpperCase(), filename: 'abc.txt' })), 'STOWAGE_NOT_FOUND');
  t.equal(await code(stowage.stat({ id: sha256('other'), filename: 'abc.txt' })), 'STOWAGE_NOT_FOUND');
  t.same((await stowage.list(id)).map((e) => e.filename), ['zeta.txt', 'abc.txt', 'mid.txt']);
  t.equal(await code(stowage.put([{ filename: 'x', source: [] }, { filename: 'x', source: [] }])), 'STOWAGE_INVALID_ARGUMENT');
});

t.test('50 concurrent identical puts give one blob and 50 references', async (t) => {
  const { stowage, catalog, backend } = setup();
  const body = 'the same bytes, fifty times over';
  const results = await Promise.all(
    Array.from({ length: 50 }, (_, index) =>
      stowage.put({ filename: `copy-${index}.txt`, source: (async function* () { yield Buffer.from(body.slice(0, 7)); yield Buffer.from(body.slice(7)); })() }, { visibility: 'public' }),
    ),
  );
  t.equal(new Set(results.map((r) => r.id)).size, 50, 'every put has its own long id');
  t.equal(results.filter((r) => r.deduplicated[0] === true).length, 49);
  const blob = await catalog.getBlob(sha256(body));
  t.equal(blob?.refs, 50);
  t.equal(blob?.state, 'present');
  t.equal((await files(backend, 'blobs')).length, 1, 'one stored copy');
  t.equal((await files(backend, 'incoming')).length, 0, 'no staging left behind');
  for (const result of results.slice(0, 3)) {
    const opened = await stowage.open({ id: result.id, filename: only(result.entries).filename });
    if (opened.kind !== 'content') throw new Error('expected content');
    t.equal(await bytesOf(opened.stream), body);
  }
  const report = await stowage.fsck();
  t.equal(report.clean, true);
});

t.test('a put whose declared size lies, or that a stage vetoes, leaves nothing referenced', async (t) => {
  const { stowage, catalog } = setup();
  t.not(await code(stowage.put({ filename: 'short.txt', source: [Buffer.from('abc')], size: 10 })), 'resolved');
  t.equal((await catalog.getBlob(sha256('abc')))?.refs ?? 0, 0);
  stowage.pipeline('put').use({ name: 'veto', run: async () => { throw new StowageError('STOWAGE_REJECTED', 'no'); } }, { after: 'record' });
  t.equal(await code(stowage.put({ filename: 'vetoed.txt', source: [Buffer.from('vetoed')] })), 'STOWAGE_REJECTED');
  t.equal((await catalog.getBlob(sha256('vetoed')))?.refs ?? 0, 0);
  let rows = 0;
  for await (const _ of catalog.scanEntries()) rows++;
  t.equal(rows, 0);
});

t.test('permission outcomes: allow, 401, 403, hidden 404, before any backend read', async (t) => {
  const { stowage, backend } = setup();
  const { id } = await stowage.put({ filename: 'secret.txt', source: [Buffer.from('s')] }, { principal: alice, readers: ['bob'], writers: ['dave'] });
  const key = { id, filename: 'secret.txt' };
  const reads = backend.reads;
  t.equal(await code(stowage.open(key)), 'STOWAGE_UNAUTHENTICATED');
  t.equal(await code(stowage.open(key, { principal: carol })), 'STOWAGE_FORBIDDEN');
  t.equal(await code(stowage.list(id, { principal: carol })), 'STOWAGE_FORBIDDEN');
  t.equal(await code(stowage.remove(key, { principal: bob })), 'STOWAGE_FORBIDDEN', 'a reader may not remove');
  t.equal(await code(stowage.remove(key)), 'STOWAGE_UNAUTHENTICATED');
  t.equal(backend.reads, reads, 'refusals read no bytes');
  for (const principal of [alice, bob, dave, { name: 'root', admin: true }]) {
    const stat = await stowage.stat(key, { principal });
    t.equal(stat.kind, 'entry', `${principal.name} may read`);
    if (stat.kind === 'entry') t.equal(stat.cache.cacheControl, 'private, no-store');
  }
  const pub = await stowage.put({ filename: 'open.txt', source: [Buffer.from('o')] }, { visibility: 'public' });
  const stat = await stowage.stat({ id: pub.id, filename: 'open.txt' });
  if (stat.kind !== 'entry') throw new Error('expected entry');
  t.equal(stat.cache.immutable, true);
  t.equal(stat.cache.etag, `"${sha256('o')}"`);

  const hidden = setup({ permissions: { hideExistence: true } });
  const h = await hidden.stowage.put({ filename: 'secret.txt', source: [Buffer.from('s')] }, { principal: alice });
  t.equal(await code(hidden.stowage.open({ id: h.id, filename: 'secret.txt' }, { principal: carol })), 'STOWAGE_NOT_FOUND');
  t.equal(await code(hidden.stowage.stat({ id: h.id, filename: 'secret.txt' })), 'STOWAGE_UNAUTHENTICATED');
  t.equal(hidden.backend.reads, 0);

  const hooked = setup({
    permissions: {
      authorize: (request, outcome) => {
        if (request.principal?.name === 'carol') return 'allow';
        if (request.principal?.name === 'bob') return 'hidden';
        if (request.principal?.name === 'eve') throw new Error('hook bug');
        return outcome;
      },
      canUpload: (principal) => principal !== null && principal.name !== 'mallory',
    },
  });
  const k = await hooked.stowage.put({ filename: 'x.txt', source: [Buffer.from('x')] }, { principal: alice, readers: ['bob'] });
  const hk = { id: k.id, filename: 'x.txt' };
  t.equal((await hooked.stowage.stat(hk, { principal: carol })).kind, 'entry', 'the hook can allow');
  t.equal(await code(hooked.stowage.stat(hk, { principal: bob })), 'STOWAGE_NOT_FOUND', 'the hook can hide');
  t.equal(await code(hooked.stowage.stat(hk, { principal: { name: 'eve' } })), 'STOWAGE_INTERNAL');
  t.equal(await code(hooked.stowage.put({ filename: 'y', source: [Buffer.from('y')] })), 'STOWAGE_UNAUTHENTICATED');
  t.equal(await code(hooked.stowage.put({ filename: 'y', source: [Buffer.from('y')] }, { principal: { name: 'mallory' } })), 'STOWAGE_FORBIDDEN');
});

t.test('replacement: chains, loop guard, authorization before the redirect', async (t) => {
  const { stowage } = setup({ maxReplacementChain: 3 });
  const put = async (text: string, readers: string[]) =>
    ({ id: (await stowage.put({ filename: 'f.txt', source: [Buffer.from(text)] }, { principal: alice, readers })).id, filename: 'f.txt' });
  const a = await put('A', ['bob']);
  const b = await put('B', ['bob']);
  const c = await put('C', []);
  await stowage.replace(a, b, { principal: alice });
  await stowage.replace(b, c, { principal: alice });
  const stat = await stowage.stat(a, { principal: alice });
  t.equal(stat.kind, 'replaced');
  if (stat.kind === 'replaced') t.same({ ...stat.location }, c, 'the chain is followed to its end');
  const followed = await stowage.open(a, { principal: alice, followReplacements: true });
  if (followed.kind !== 'content') throw new Error('expected content');
  t.equal(await bytesOf(followed.stream), 'C');
  t.equal(await code(stowage.stat(a)), 'STOWAGE_UNAUTHENTICATED', 'anonymous learns nothing about the replacement');
  t.equal(await code(stowage.stat(a, { principal: carol })), 'STOWAGE_FORBIDDEN');
  t.equal(await code(stowage.open(a, { principal: bob, followReplacements: true })), 'STOWAGE_FORBIDDEN', 'the end is authorized too');
  t.equal(await code(stowage.replace(c, a, { principal: alice })), 'STOWAGE_LOOP_DETECTED');
  t.equal(await code(stowage.replace(c, c, { principal: alice })), 'STOWAGE_LOOP_DETECTED');
  t.equal(await code(stowage.replace(a, c, { principal: bob })), 'STOWAGE_FORBIDDEN', 'a reader may not replace');
  t.equal(await code(stowage.replace(a, c)), 'STOWAGE_UNAUTHENTICATED');
  const d = await put('D', []);
  const e = await put('E', []);
  await stowage.replace(c, d, { principal: alice });
  await stowage.replace(d, e, { principal: alice });
  t.equal(await code(stowage.stat(a, { principal: alice })), 'STOWAGE_LOOP_DETECTED', 'a chain longer than the limit is refused');
  t.equal((await stowage.stat(c, { principal: alice })).kind, 'replaced');
});

t.test('expiry with a controlled clock, sweep dry run first, then the blob after the grace', async (t) => {
  const shared = createMemoryBackend({ name: 'a' });
  const { stowage, catalog, clock } = setup({ backends: [{ name: 'a', backend: shared, keepDays: 2 }] });
  const shortLived = await stowage.put({ filename: 'tmp.txt', source: [Buffer.from('gone soon')] }, { keepDays: 1, visibility: 'public' });
  const kept = await stowage.put({ filename: 'keep.txt', source: [Buffer.from('kept')] }, { keepDays: null, visibility: 'public' });
  const byDescriptor = await stowage.put({ filename: 'desc.txt', source: [Buffer.from('kept')] }, { visibility: 'public' });
  t.equal(only(byDescriptor.entries).expiresAt?.getTime(), T0 + 2 * DAY, 'keepDays from the backend descriptor');
  t.equal(only(kept.entries).expiresAt, null);
  const key = { id: shortLived.id, filename: 'tmp.txt' };
  clock.now = T0 + DAY - 1;
  t.equal((await stowage.stat(key)).kind, 'entry');
  clock.now = T0 + DAY + 1;
  t.equal(await code(stowage.stat(key)), 'STOWAGE_NOT_FOUND', 'expired entries are not served');
  const dry = await stowage.sweep({ dryRun: true });
  t.same(dry.expired.map((k) => ({ ...k })), [key]);
  t.equal((await catalog.getEntry(key))?.state, 'committed', 'a dry run changes nothing');
  const swept = await stowage.sweep();
  t.same(swept.expired.map((k) => ({ ...k })), [key]);
  t.equal(await catalog.getEntry(key), undefined);
  t.equal((await catalog.getBlob(sha256('gone soon')))?.refs, 0);
  t.same(swept.blobs, [], 'the blob waits for the grace period');
  clock.now += GRACE + 1;
  const dryBlobs = await stowage.sweep({ dryRun: true });
  t.same(dryBlobs.blobs.map((b) => b.sha256), [sha256('gone soon')]);
  t.equal((await catalog.getBlob(sha256('gone soon')))?.state, 'present');
  const collected = await stowage.sweep();
  t.same(collected.blobs.map((b) => b.sha256), [sha256('gone soon')]);
  t.equal(collected.freedBytes, 'gone soon'.length);
  t.equal(await catalog.getBlob(sha256('gone soon')), undefined);
  t.equal(await code(shared.stat(only(shortLived.entries).path)), 'STOWAGE_NOT_FOUND');
  clock.now = T0 + 3 * DAY + GRACE + 1;
  const later = await stowage.sweep();
  t.same(later.expired.map((k) => k.filename), ['desc.txt']);
  t.same(later.blobs, [], 'a blob still referenced by a kept entry stays');
  const opened = await stowage.open({ id: kept.id, filename: 'keep.txt' });
  if (opened.kind !== 'content') throw new Error('expected content');
  t.equal(await bytesOf(opened.stream), 'kept');
});

t.test('fsck reports, then repairs, a blob deleted behind the catalog', async (t) => {
  const { stowage, catalog, backend } = setup();
  const { id, entries } = await stowage.put({ filename: 'photo.jpg', source: [Buffer.from('jpeg bytes')] }, { visibility: 'public' });
  const entry: CatalogEntry = only(entries);
  t.equal((await stowage.fsck()).clean, true);
  await backend.delete(entry.path);
  const report = await stowage.fsck();
  t.equal(report.clean, false);
  t.same(report.findings.map((f) => ({ kind: f.kind, repaired: f.repaired })), [{ kind: 'missing-blob', repaired: false }]);
  t.equal((await catalog.getEntry(entry))?.state, 'committed', 'a report changes nothing');
  t.equal(await code(stowage.open({ id, filename: 'photo.jpg' })), 'STOWAGE_LOST', 'never served');
  const repaired = await stowage.fsck({ repair: true });
  t.same(repaired.findings.map((f) => ({ kind: f.kind, repaired: f.repaired })), [{ kind: 'missing-blob', repaired: true }]);
  t.equal((await catalog.getEntry(entry))?.state, 'lost');
  t.equal(await code(stowage.stat({ id, filename: 'photo.jpg' })), 'STOWAGE_LOST');
  t.equal((await stowage.fsck()).clean, true, 'a second fsck finds nothing');
  const again = await stowage.put({ filename: 'photo.jpg', source: [Buffer.from('jpeg bytes')] }, { visibility: 'public' });
  const opened = await stowage.open({ id: again.id, filename: 'photo.jpg' });
  if (opened.kind !== 'content') throw new Error('expected content');
  t.equal(await bytesOf(opened.stream), 'jpeg bytes', 'good bytes are stored again');
});

t.test('a put of bytes whose blob vanished before fsck ran still reads back (I1, I3)', async (t) => {
  const { stowage, backend } = setup();
  const first = await stowage.put({ filename: 'a.bin', source: [Buffer.from('payload')] }, { visibility: 'public' });
  await backend.delete(only(first.entries).path);
  const second = await stowage.put({ filename: 'b.bin', source: [Buffer.from('payload')] }, { visibility: 'public' });
  const outcome = await code(
    stowage.open({ id: second.id, filename: 'b.bin' }).then(async (opened) => {
      if (opened.kind === 'content') t.equal(await bytesOf(opened.stream), 'payload');
    }),
  );
  t.equal(outcome, 'resolved', 'an acknowledged put must read back its bytes, not STOWAGE_LOST');
});
