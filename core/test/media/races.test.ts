import t from 'tap';
import type { Backend } from '../../src/backend.js';
import { mediaFixture, sha256Hex } from '../helpers/media-fixture.js';

const alice = { name: 'alice' };

async function put(fixture: ReturnType<typeof mediaFixture>, filename: string, text: string, options = {}) {
  const result = await fixture.stowage.put({ filename, source: [Buffer.from(text)] }, { principal: alice, visibility: 'public', ...options });
  return { id: result.id, filename };
}

t.test('concurrent opposite replaces never store a loop', async (t) => {
  for (let round = 0; round < 10; round++) {
    const fixture = mediaFixture();
    const a = await put(fixture, 'a', `a${round}`);
    const b = await put(fixture, 'b', `b${round}`);
    const outcomes = await Promise.allSettled([fixture.stowage.replace(a, b, { principal: alice }), fixture.stowage.replace(b, a, { principal: alice })]);
    t.equal(outcomes.filter((outcome) => outcome.status === 'fulfilled').length, 1);
    const rejected = outcomes.find((outcome) => outcome.status === 'rejected') as PromiseRejectedResult;
    t.equal((rejected.reason as { code?: string }).code, 'STOWAGE_LOOP_DETECTED');
    t.equal((await fixture.stowage.stat(a)).kind === 'replaced' || (await fixture.stowage.stat(b)).kind === 'replaced', true);
  }
});

t.test('a replace racing the removal of its replacement does not leave the old entry dangling', async (t) => {
  for (let round = 0; round < 10; round++) {
    const fixture = mediaFixture();
    const old = await put(fixture, 'old', `old${round}`);
    const fresh = await put(fixture, 'new', `new${round}`);
    const [replaced] = await Promise.allSettled([fixture.stowage.replace(old, fresh, { principal: alice }), fixture.stowage.remove(fresh, { principal: alice })]);
    const stat = await fixture.stowage.stat(old).then(
      (result) => result.kind,
      (error: { code?: string }) => error.code,
    );
    if (replaced.status === 'fulfilled') t.equal(stat, 'STOWAGE_NOT_FOUND', 'replaced, then the replacement was removed');
    else t.equal(stat, 'entry', 'the replace failed and the old entry still reads');
  }
});

t.test('a stage that ends the put after record leaves nothing referenced', async (t) => {
  const fixture = mediaFixture();
  fixture.stowage.pipeline('put').use({ name: 'swallow', run: async () => undefined }, { before: 'commit' });
  await t.rejects(fixture.stowage.put({ filename: 'a', source: [Buffer.from('a')] }), { code: 'STOWAGE_REJECTED' });
  t.equal((await fixture.catalog.getBlob(sha256Hex('a')))?.refs, 0);
});

t.test('a put reusing a blob whose bytes vanished writes them again', async (t) => {
  const fixture = mediaFixture();
  const first = await put(fixture, 'first', 'precious');
  const entry = (await fixture.stowage.list(first.id))[0];
  await (fixture.backends['default'] as Backend).delete(entry?.path ?? '');
  const second = await put(fixture, 'second', 'precious');
  const opened = await fixture.stowage.open(second);
  t.equal(opened.kind, 'content');
  if (opened.kind === 'content') opened.stream.destroy();
  t.equal((await fixture.catalog.getEntry(first))?.state, 'lost', 'the old entry was marked lost meanwhile');
  const report = await fixture.stowage.fsck({ repair: true });
  t.same(report.findings.map((finding) => finding.kind), ['recovered-entry']);
  t.equal((await fixture.catalog.getEntry(first))?.state, 'committed', 'fsck recovers it now its bytes are back');
  t.equal((await fixture.stowage.fsck({ verifyContent: true })).clean, true);
});

t.test('a writing claim abandoned by a dead put is taken over', async (t) => {
  const fixture = mediaFixture();
  const sha = sha256Hex('orphaned claim');
  await fixture.catalog.claimBlob({ sha256: sha, sha1: '0'.repeat(40), size: 14, backend: 'default', path: `blobs/${sha.slice(0, 2)}/${sha.slice(2, 4)}/${sha}` }, fixture.clock.read());
  fixture.clock.advance(31_000);
  const key = await put(fixture, 'x', 'orphaned claim');
  const opened = await fixture.stowage.open(key);
  t.equal(opened.kind, 'content');
  if (opened.kind === 'content') opened.stream.destroy();
});

t.test('a put waiting for another writer stops when aborted', async (t) => {
  const fixture = mediaFixture();
  const sha = sha256Hex('busy');
  await fixture.catalog.claimBlob({ sha256: sha, sha1: '0'.repeat(40), size: 4, backend: 'default', path: `blobs/${sha.slice(0, 2)}/${sha.slice(2, 4)}/${sha}` }, fixture.clock.read());
  const controller = new AbortController();
  const putting = fixture.stowage.put({ filename: 'x', source: [Buffer.from('busy')] }, { principal: alice, signal: controller.signal });
  setTimeout(() => controller.abort(), 50);
  await t.rejects(putting, { code: 'STOWAGE_ABORTED' });
  t.equal((await fixture.catalog.getBlob(sha))?.refs, 0);
});

t.test('removing a hidden entry reveals nothing', async (t) => {
  const fixture = mediaFixture({ permissions: { hideExistence: true } });
  const secret = await put(fixture, 'secret', 'x', { visibility: 'private' });
  const absent = { id: secret.id, filename: 'absent' };
  t.same(await fixture.stowage.remove(secret, { principal: { name: 'mallory' } }), await fixture.stowage.remove(absent, { principal: { name: 'mallory' } }));
  t.ok(await fixture.catalog.getEntry(secret), 'nothing was removed');
});

t.test('principals are validated', async (t) => {
  const fixture = mediaFixture();
  for (const principal of [{ name: '' }, { name: 5 }, 'alice', { }]) {
    await t.rejects(fixture.stowage.put({ filename: 'a', source: [Buffer.from('a')] }, { principal: principal as never }), { code: 'STOWAGE_INVALID_ARGUMENT' });
    await t.rejects(fixture.stowage.stat({ id: '0'.repeat(64), filename: 'a' }, { principal: principal as never }), { code: 'STOWAGE_INVALID_ARGUMENT' });
  }
});

t.test('an id whose folder-like lost a member can no longer be verified', async (t) => {
  const fixture = mediaFixture();
  const result = await fixture.stowage.put(['a', 'b'].map((filename) => ({ filename, source: [Buffer.from(filename)] })), { principal: alice });
  await fixture.stowage.remove({ id: result.id, filename: 'a' }, { principal: alice });
  await t.rejects(fixture.stowage.verifyLongId(result.id), { code: 'STOWAGE_LOST' });
  const single = await put(fixture, 'c', 'c');
  const entry = (await fixture.stowage.list(single.id))[0];
  await (fixture.backends['default'] as Backend).delete(entry?.path ?? '');
  await t.rejects(fixture.stowage.verifyLongId(single.id), { code: 'STOWAGE_LOST' });
});
