import t from 'tap';
import type { Backend } from '../../src/backend.js';
import { createMemoryBackend } from '../../src/memory-backend.js';
import { mediaFixture, sha256Hex } from '../helpers/media-fixture.js';

const alice = { name: 'alice' };

function kinds(report: { findings: readonly { kind: string }[] }): string[] {
  return report.findings.map((finding) => finding.kind).sort();
}

t.test('a healthy store is clean', async (t) => {
  const fixture = mediaFixture();
  await fixture.stowage.put([{ filename: 'a', source: [Buffer.from('a')] }, { filename: 'b', source: [Buffer.from('b')] }]);
  const report = await fixture.stowage.fsck({ verifyContent: true });
  t.equal(report.clean, true);
  t.equal(report.repair, false);
});

t.test('missing and corrupt blobs are reported, then marked lost with their entries', async (t) => {
  const fixture = mediaFixture();
  const backend = fixture.backends['default'] as Backend;
  const missing = await fixture.stowage.put({ filename: 'missing', source: [Buffer.from('missing bytes')] }, { principal: alice });
  const corrupt = await fixture.stowage.put({ filename: 'corrupt', source: [Buffer.from('corrupt bytes')] }, { principal: alice });
  const resized = await fixture.stowage.put({ filename: 'resized', source: [Buffer.from('resized bytes')] }, { principal: alice });
  await backend.delete(missing.entries[0]?.path ?? '');
  await backend.write(corrupt.entries[0]?.path ?? '', [Buffer.from('CORRUPT BYTES')]);
  await backend.write(resized.entries[0]?.path ?? '', [Buffer.from('short')]);
  t.same(kinds(await fixture.stowage.fsck()), ['corrupt-blob', 'missing-blob']);
  t.same(kinds(await fixture.stowage.fsck({ verifyContent: true })), ['corrupt-blob', 'corrupt-blob', 'missing-blob']);
  const repaired = await fixture.stowage.fsck({ verifyContent: true, repair: true });
  t.ok(repaired.findings.every((finding) => finding.repaired));
  for (const result of [missing, corrupt, resized]) {
    const entry = await fixture.catalog.getEntry({ id: result.id, filename: result.entries[0]?.filename ?? '' });
    t.equal(entry?.state, 'lost');
    await t.rejects(fixture.stowage.open({ id: result.id, filename: entry?.filename ?? '' }, { principal: alice }), { code: 'STOWAGE_LOST' });
  }
  t.equal((await fixture.stowage.fsck({ verifyContent: true })).clean, true);
  const reupload = await fixture.stowage.put({ filename: 'again', source: [Buffer.from('missing bytes')] }, { principal: alice });
  t.equal(reupload.deduplicated[0], false, 'good bytes replace a lost blob');
  const opened = await fixture.stowage.open({ id: reupload.id, filename: 'again' }, { principal: alice });
  t.equal(opened.kind, 'content');
  if (opened.kind === 'content') opened.stream.destroy();
});

t.test('leftovers of dead puts and removes are found and cleaned', async (t) => {
  const fixture = mediaFixture();
  const backend = fixture.backends['default'] as Backend;
  const { catalog, clock } = fixture;
  await backend.write('incoming/deadbeef/0', [Buffer.from('half an upload')]);
  await backend.write('blobs/zz/zz/not-a-hash', [Buffer.from('stray')]);
  const orphanSha = sha256Hex('orphan');
  await backend.write(`blobs/${orphanSha.slice(0, 2)}/${orphanSha.slice(2, 4)}/${orphanSha}`, [Buffer.from('orphan')]);
  const stuckSha = sha256Hex('stuck');
  const stuckPath = `blobs/${stuckSha.slice(0, 2)}/${stuckSha.slice(2, 4)}/${stuckSha}`;
  await catalog.claimBlob({ sha256: stuckSha, sha1: '0'.repeat(40), size: 5, backend: 'default', path: stuckPath }, clock.read());
  const movedSha = sha256Hex('moved');
  const movedPath = `blobs/${movedSha.slice(0, 2)}/${movedSha.slice(2, 4)}/${movedSha}`;
  await catalog.claimBlob({ sha256: movedSha, sha1: '0'.repeat(40), size: 5, backend: 'default', path: movedPath }, clock.read());
  await backend.write(movedPath, [Buffer.from('moved')]);
  const pendingPut = await fixture.stowage.put({ filename: 'p', source: [Buffer.from('pending')] });
  await catalog.transitionEntries([{ id: pendingPut.id, filename: 'p' }], 'committed', 'pending');
  const removing = await fixture.stowage.put({ filename: 'r', source: [Buffer.from('removing')] });
  await catalog.transitionEntries([{ id: removing.id, filename: 'r' }], 'committed', 'deleting');
  const gone = await fixture.stowage.put({ filename: 'g', source: [Buffer.from('gone')] }, { principal: alice });
  await fixture.stowage.remove({ id: gone.id }, { principal: alice });

  t.same(kinds(await fixture.stowage.fsck()), [], 'everything is younger than the thresholds');
  // Backends and the catalog stamp files and unreferenced blobs with the real time, so move well past it.
  clock.advance(120_000);
  const report = await fixture.stowage.fsck();
  t.same(kinds(report), [
    'orphan-blob',
    'orphan-file',
    'orphan-file',
    'stale-deleting',
    'stale-pending',
    'stale-staging',
    'stale-writing',
    'stale-writing',
  ]);
  const repaired = await fixture.stowage.fsck({ repair: true });
  t.ok(repaired.findings.every((finding) => finding.repaired));
  t.equal((await catalog.getBlob(movedSha))?.state, 'present', 'bytes in place: the claim is completed');
  t.equal(await catalog.getBlob(stuckSha), undefined, 'no bytes: the claim is released');
  t.equal(await catalog.getEntry({ id: pendingPut.id, filename: 'p' }), undefined);
  t.equal(await catalog.getEntry({ id: removing.id, filename: 'r' }), undefined);
  clock.advance(60_001);
  await fixture.stowage.fsck({ repair: true });
  clock.advance(60_001);
  t.same(kinds(await fixture.stowage.fsck({ repair: true, verifyContent: true })), []);
});

t.test('a dangling committed entry is marked lost', async (t) => {
  const fixture = mediaFixture();
  const put = await fixture.stowage.put({ filename: 'a', source: [Buffer.from('dangling')] });
  const sha = put.entries[0]?.sha256 ?? '';
  // Simulate a catalog that lost the blob row's presence behind our back.
  await fixture.catalog.markBlobLost(sha);
  await fixture.catalog.transitionEntries([{ id: put.id, filename: 'a' }], 'lost', 'committed');
  const report = await fixture.stowage.fsck({ repair: true });
  t.same(kinds(report), ['dangling-entry']);
  t.equal((await fixture.catalog.getEntry({ id: put.id, filename: 'a' }))?.state, 'lost');
});

t.test('fsck and sweep stop when aborted', async (t) => {
  const fixture = mediaFixture();
  await fixture.stowage.put({ filename: 'a', source: [Buffer.from('a')] });
  await t.rejects(fixture.stowage.fsck({ signal: AbortSignal.abort() }), { code: 'STOWAGE_ABORTED' });
  await t.rejects(fixture.stowage.sweep({ signal: AbortSignal.abort() }), { code: 'STOWAGE_ABORTED' });
});

t.test('rebalance is a dry run over the recorded shards', async (t) => {
  const fixture = mediaFixture({}, ['a', 'b']);
  for (let index = 0; index < 20; index++) await fixture.stowage.put({ filename: `f${index}`, source: [Buffer.from(`bytes ${index}`)] });
  const none = [];
  for await (const move of fixture.stowage.rebalance()) none.push(move);
  t.same(none, [], 'nothing moves while the shards are unchanged');
  const { createStowage } = await import('../../src/create-stowage.js');
  const grown = createStowage({
    backends: ['a', 'b', 'c'].map((name) => ({ name, backend: fixture.backends[name] ?? createMemoryBackend({ name }) })),
    catalog: fixture.catalog,
    salt: 'test-salt-0123456789abcdef',
  });
  const moves = [];
  for await (const move of grown.rebalance()) moves.push(move);
  t.ok(moves.length > 0 && moves.length < 20, `some blobs move to the new shard (${moves.length})`);
  t.ok(moves.every((move) => move.to === 'c'), 'only onto the new shard');
  const before = [];
  for await (const blob of fixture.catalog.scanBlobs()) before.push(blob.backend);
  t.notOk(before.includes('c'), 'nothing moved');
});
