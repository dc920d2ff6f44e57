import t from 'tap';
import type { Backend } from '../../src/backend.js';
import { bytesOf, mediaFixture } from '../helpers/media-fixture.js';

const alice = { name: 'alice' };
const bob = { name: 'bob' };
const carol = { name: 'carol', groups: ['staff'] };

async function putText(fixture: ReturnType<typeof mediaFixture>, filename: string, text: string, options = {}) {
  const result = await fixture.stowage.put({ filename, source: [Buffer.from(text)] }, { principal: alice, ...options });
  return { id: result.id, filename: result.entries[0]?.filename ?? filename };
}

async function textOf(fixture: ReturnType<typeof mediaFixture>, key: { id: string; filename: string }, options = {}) {
  const opened = await fixture.stowage.open(key, options);
  if (opened.kind !== 'content') throw new Error(`expected content, got ${opened.kind}`);
  return (await bytesOf(opened.stream)).toString();
}

t.test('permission outcomes: public, private, readers, groups, hidden', async (t) => {
  const fixture = mediaFixture();
  const open = await putText(fixture, 'public.txt', 'for all', { visibility: 'public' });
  const secret = await putText(fixture, 'secret.txt', 'for few', { readers: ['bob', 'group:staff'] });
  t.equal(await textOf(fixture, open), 'for all');
  t.equal(await textOf(fixture, secret, { principal: alice }), 'for few', 'the author reads');
  t.equal(await textOf(fixture, secret, { principal: bob }), 'for few', 'a reader reads');
  t.equal(await textOf(fixture, secret, { principal: carol }), 'for few', 'a group member reads');
  await t.rejects(fixture.stowage.open(secret), { code: 'STOWAGE_UNAUTHENTICATED' });
  await t.rejects(fixture.stowage.open(secret, { principal: { name: 'mallory' } }), { code: 'STOWAGE_FORBIDDEN' });
  await t.rejects(fixture.stowage.stat(secret, { principal: { name: 'mallory' } }), { code: 'STOWAGE_FORBIDDEN' });

  const hiding = mediaFixture({ permissions: { hideExistence: true } });
  const hidden = await putText(hiding, 'hidden.txt', 'x');
  await t.rejects(hiding.stowage.open(hidden, { principal: { name: 'mallory' } }), { code: 'STOWAGE_NOT_FOUND' });
  await t.rejects(hiding.stowage.open(hidden), { code: 'STOWAGE_UNAUTHENTICATED' });
});

t.test('permissions are decided before any backend I/O', async (t) => {
  const fixture = mediaFixture();
  const secret = await putText(fixture, 'secret.txt', 'x');
  const backend = fixture.backends['default'] as Backend;
  let reads = 0;
  const original = backend.read.bind(backend);
  backend.read = async (...args) => {
    reads += 1;
    return original(...args);
  };
  await t.rejects(fixture.stowage.open(secret, { principal: bob }), { code: 'STOWAGE_FORBIDDEN' });
  await t.rejects(fixture.stowage.open({ id: secret.id, filename: 'other.txt' }), { code: 'STOWAGE_NOT_FOUND' });
  t.equal(reads, 0);
});

t.test('an authorize hook can override the decision', async (t) => {
  const fixture = mediaFixture({
    permissions: { authorize: (request, outcome) => (request.principal?.name === 'auditor' ? 'allow' : outcome) },
  });
  const secret = await putText(fixture, 'secret.txt', 'audited');
  t.equal(await textOf(fixture, secret, { principal: { name: 'auditor' } }), 'audited');
  await t.rejects(fixture.stowage.open(secret, { principal: bob }), { code: 'STOWAGE_FORBIDDEN' });
});

t.test('lookups are exact: another filename, a malformed id, an unknown id', async (t) => {
  const fixture = mediaFixture();
  const key = await putText(fixture, 'abc.txt', 'x', { visibility: 'public' });
  for (const probe of [
    { id: key.id, filename: 'def.txt' },
    { id: key.id, filename: 'ABC.txt' },
    { id: key.id, filename: '../abc.txt' },
    { id: key.id, filename: 'abc.txt/' },
    { id: key.id.toUpperCase(), filename: 'abc.txt' },
    { id: key.id.slice(1), filename: 'abc.txt' },
    { id: 'f'.repeat(64), filename: 'abc.txt' },
    { id: `${key.id}/abc.txt`, filename: 'abc.txt' },
    { id: 42 as unknown as string, filename: 'abc.txt' },
    { id: key.id, filename: 7 as unknown as string },
  ]) {
    await t.rejects(fixture.stowage.open(probe), { code: 'STOWAGE_NOT_FOUND' }, JSON.stringify(probe));
  }
  await t.rejects(fixture.stowage.list('nope'), { code: 'STOWAGE_NOT_FOUND' });
  await t.rejects(fixture.stowage.list('0'.repeat(64)), { code: 'STOWAGE_NOT_FOUND' });
});

t.test('ranges and caching policy', async (t) => {
  const fixture = mediaFixture();
  const key = await putText(fixture, 'digits.txt', '0123456789', { visibility: 'public' });
  t.equal(await textOf(fixture, key, { range: { offset: 2, length: 3 } }), '234');
  t.equal(await textOf(fixture, key, { range: { suffix: 4 } }), '6789');
  await t.rejects(fixture.stowage.open(key, { range: { offset: 10 } }), { code: 'STOWAGE_RANGE_NOT_SATISFIABLE' });
  const publicStat = await fixture.stowage.stat(key);
  if (publicStat.kind !== 'entry') throw new Error('expected an entry');
  t.equal(publicStat.cache.cacheControl, 'public, max-age=31536000, immutable');
  t.equal(publicStat.cache.etag, `"${publicStat.entry.sha256}"`);
  const secret = await putText(fixture, 'secret.js', 'x');
  const privateStat = await fixture.stowage.stat(secret, { principal: alice });
  if (privateStat.kind !== 'entry') throw new Error('expected an entry');
  t.equal(privateStat.cache.cacheControl, 'private, no-store');
});

t.test('list shows the readable members in upload order', async (t) => {
  const fixture = mediaFixture();
  const result = await fixture.stowage.put(
    ['c', 'a', 'b'].map((filename) => ({ filename, source: [Buffer.from(filename)] })),
    { principal: alice, readers: ['bob'] },
  );
  t.same((await fixture.stowage.list(result.id, { principal: bob })).map((entry) => entry.filename), ['c', 'a', 'b']);
  await t.rejects(fixture.stowage.list(result.id), { code: 'STOWAGE_UNAUTHENTICATED' });
  await t.rejects(fixture.stowage.list(result.id, { principal: { name: 'mallory' } }), { code: 'STOWAGE_FORBIDDEN' });
});

t.test('replacement: reads of the old entry answer the end of the chain, after authorization', async (t) => {
  const fixture = mediaFixture();
  const v1 = await putText(fixture, 'v1.txt', 'one', { visibility: 'public' });
  const v2 = await putText(fixture, 'v2.txt', 'two', { visibility: 'public' });
  const v3 = await putText(fixture, 'v3.txt', 'three', { visibility: 'public' });
  await fixture.stowage.replace(v1, v2, { principal: alice });
  await fixture.stowage.replace(v2, v3, { principal: alice });
  const opened = await fixture.stowage.open(v1);
  t.equal(opened.kind, 'replaced');
  if (opened.kind === 'replaced') t.same(opened.location, v3);
  const stat = await fixture.stowage.stat(v2);
  t.equal(stat.kind, 'replaced');
  t.equal(await textOf(fixture, v1, { followReplacements: true }), 'three');
  await t.rejects(fixture.stowage.replace(v3, v1, { principal: alice }), { code: 'STOWAGE_LOOP_DETECTED' });
  await t.rejects(fixture.stowage.replace(v3, v3, { principal: alice }), { code: 'STOWAGE_LOOP_DETECTED' });
  await t.rejects(fixture.stowage.replace(v3, v1, { principal: bob }), { code: 'STOWAGE_FORBIDDEN' });
  await t.rejects(fixture.stowage.replace(v3, { id: v1.id, filename: 'nope' }, { principal: alice }), { code: 'STOWAGE_NOT_FOUND' });

  const secret = await putText(fixture, 'private-old.txt', 'old');
  await fixture.stowage.replace(secret, v3, { principal: alice });
  await t.rejects(fixture.stowage.open(secret), { code: 'STOWAGE_UNAUTHENTICATED' }, 'no 301 before authorization');
  await t.rejects(fixture.stowage.open(secret, { principal: bob }), { code: 'STOWAGE_FORBIDDEN' });
});

t.test('replacement chains are bounded', async (t) => {
  const fixture = mediaFixture({ maxReplacementChain: 2 });
  const keys = [];
  for (let index = 0; index < 4; index++) keys.push(await putText(fixture, `v${index}`, `${index}`, { visibility: 'public' }));
  const [k0, k1, k2, k3] = keys as [typeof keys[0], typeof keys[0], typeof keys[0], typeof keys[0]];
  await fixture.stowage.replace(k2, k3, { principal: alice });
  await fixture.stowage.replace(k1, k2, { principal: alice });
  await t.rejects(fixture.stowage.replace(k0, k1, { principal: alice }), { code: 'STOWAGE_LOOP_DETECTED' });
});

t.test('a removed replacement makes the old entry unresolvable, never a wrong answer', async (t) => {
  const fixture = mediaFixture();
  const old = await putText(fixture, 'old', 'old', { visibility: 'public' });
  const fresh = await putText(fixture, 'new', 'new', { visibility: 'public' });
  await fixture.stowage.replace(old, fresh, { principal: alice });
  await fixture.stowage.remove(fresh, { principal: alice });
  await t.rejects(fixture.stowage.open(old), { code: 'STOWAGE_NOT_FOUND' });
});

t.test('expired entries are not served', async (t) => {
  const fixture = mediaFixture();
  const key = await putText(fixture, 'brief', 'x', { visibility: 'public', keepDays: 1 });
  t.equal(await textOf(fixture, key), 'x');
  fixture.clock.advance(86_400_000);
  await t.rejects(fixture.stowage.open(key), { code: 'STOWAGE_NOT_FOUND' });
});

t.test('an entry whose blob vanished is reported lost, never served', async (t) => {
  const fixture = mediaFixture();
  const key = await putText(fixture, 'gone', 'bytes', { visibility: 'public' });
  const entry = (await fixture.stowage.list(key.id))[0];
  if (entry === undefined) throw new Error('no entry');
  await (fixture.backends['default'] as Backend).delete(entry.path);
  await t.rejects(fixture.stowage.open(key), { code: 'STOWAGE_LOST' });
  await (fixture.backends['default'] as Backend).write(entry.path, [Buffer.from('tiny')]);
  await t.rejects(fixture.stowage.open(key), { code: 'STOWAGE_LOST' });
  await fixture.catalog.markBlobLost(entry.sha256);
  await t.rejects(fixture.stowage.stat(key), { code: 'STOWAGE_LOST' });
  await t.rejects(fixture.stowage.open(key), { code: 'STOWAGE_LOST' });
});

t.test('a closed facade refuses work', async (t) => {
  const fixture = mediaFixture();
  await fixture.stowage.close();
  await fixture.stowage.close();
  await t.rejects(fixture.stowage.stat({ id: '0'.repeat(64), filename: 'a' }), { code: 'STOWAGE_UNAVAILABLE' });
  await t.rejects(fixture.stowage.put({ filename: 'a', source: [] }), { code: 'STOWAGE_UNAVAILABLE' });
  t.throws(() => fixture.stowage.pipeline('nope' as 'put'), { code: 'STOWAGE_INVALID_ARGUMENT' });
});
