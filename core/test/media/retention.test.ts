import t from 'tap';
import type { Backend } from '../../src/backend.js';
import { mediaFixture, sha256Hex } from '../helpers/media-fixture.js';

const alice = { name: 'alice' };
const bob = { name: 'bob' };

async function filesOf(backend: Backend): Promise<string[]> {
  const files: string[] = [];
  for await (const entry of backend.list('', { recursive: true })) if (entry.kind === 'file') files.push(entry.path);
  return files.sort();
}

t.test('remove is idempotent, needs modify permission, and leaves shared blobs alone', async (t) => {
  const fixture = mediaFixture();
  const one = await fixture.stowage.put({ filename: 'a', source: [Buffer.from('shared')] }, { principal: alice, readers: ['bob'] });
  const two = await fixture.stowage.put({ filename: 'b', source: [Buffer.from('shared')] }, { principal: alice });
  const keyOne = { id: one.id, filename: 'a' };
  await t.rejects(fixture.stowage.remove(keyOne, { principal: bob }), { code: 'STOWAGE_FORBIDDEN' });
  await t.rejects(fixture.stowage.remove(keyOne), { code: 'STOWAGE_UNAUTHENTICATED' });
  t.equal((await fixture.stowage.remove(keyOne, { principal: alice })).removed.length, 1);
  t.same(fixture.labels.slice(-2), ['remove:marked', 'remove:deleted']);
  t.equal((await fixture.stowage.remove(keyOne, { principal: alice })).removed.length, 0, 'second remove changes nothing');
  const [a, b] = await Promise.all([
    fixture.stowage.remove({ id: two.id }, { principal: alice }),
    fixture.stowage.remove({ id: two.id }, { principal: alice }),
  ]);
  t.equal(a.removed.length + b.removed.length, 1, 'concurrent removes remove once');
  t.equal((await fixture.stowage.remove({ id: 'junk', filename: 'a' })).removed.length, 0);
  t.equal((await fixture.catalog.getBlob(sha256Hex('shared')))?.refs, 0);
  t.equal((await filesOf(fixture.backends['default'] as Backend)).length, 1, 'the blob waits for the collector');
});

t.test('sweep removes expired entries, then blobs unreferenced past the grace period', async (t) => {
  const fixture = mediaFixture();
  const brief = await fixture.stowage.put({ filename: 'brief', source: [Buffer.from('brief')] }, { keepDays: 1 });
  const kept = await fixture.stowage.put({ filename: 'kept', source: [Buffer.from('kept')] });
  fixture.clock.advance(86_400_000 + 1);
  const dry = await fixture.stowage.sweep({ dryRun: true });
  t.same(dry.expired, [{ id: brief.id, filename: 'brief' }]);
  t.same(dry.blobs, []);
  t.ok(await fixture.catalog.getEntry({ id: brief.id, filename: 'brief' }), 'a dry run changes nothing');
  const first = await fixture.stowage.sweep();
  t.same(first.expired, [{ id: brief.id, filename: 'brief' }]);
  t.same(first.blobs, [], 'the blob is younger than the grace period');
  t.equal(await fixture.catalog.getEntry({ id: brief.id, filename: 'brief' }), undefined);
  fixture.clock.advance(60_001);
  const dryBlobs = await fixture.stowage.sweep({ dryRun: true });
  t.equal(dryBlobs.blobs.length, 1);
  t.equal((await fixture.catalog.getBlob(sha256Hex('brief')))?.state, 'present');
  const second = await fixture.stowage.sweep();
  t.same(second.blobs.map((blob) => blob.sha256), [sha256Hex('brief')]);
  t.equal(second.freedBytes, 5);
  t.equal(await fixture.catalog.getBlob(sha256Hex('brief')), undefined);
  t.same(await filesOf(fixture.backends['default'] as Backend), [kept.entries[0]?.path]);
  t.equal((await fixture.stowage.fsck()).clean, true);
});

t.test('a put racing the collector for the same bytes never loses them', async (t) => {
  const fixture = mediaFixture({ retention: { graceMs: 0, staleAfterMs: 60_000 } });
  for (let round = 0; round < 20; round++) {
    const payload = Buffer.from(`round ${round}`);
    const first = await fixture.stowage.put({ filename: 'x', source: [payload] }, { principal: alice });
    await fixture.stowage.remove({ id: first.id }, { principal: alice });
    fixture.clock.advance(1);
    const [again] = await Promise.all([
      fixture.stowage.put({ filename: 'x', source: [payload] }, { principal: alice }),
      fixture.stowage.sweep(),
    ]);
    const opened = await fixture.stowage.open({ id: again.id, filename: 'x' }, { principal: alice });
    if (opened.kind !== 'content') throw new Error('expected content');
    const chunks: Buffer[] = [];
    for await (const chunk of opened.stream) chunks.push(chunk as Buffer);
    t.equal(Buffer.concat(chunks).toString(), payload.toString(), `round ${round}`);
  }
  t.equal((await fixture.stowage.fsck()).clean, true);
});
