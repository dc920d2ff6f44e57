import { join } from 'node:path';
import t, { type Test } from 'tap';
import type { Catalog } from '@stowage/core';
import { expectCode } from '@stowage/testkit';
import { createSqliteCatalog } from '../src/index.js';
import { forkChild, type Child } from './helpers/child.js';
import { candidateFor } from './helpers/child-protocol.js';

const NOW = new Date('2026-05-06T07:08:09.010Z');

function closeAfter(t: Test, ...catalogs: Catalog[]): void {
  t.teardown(() => Promise.all(catalogs.map((catalog) => catalog.close())));
}

function killAfter(t: Test, ...children: Child[]): void {
  t.teardown(() => {
    for (const child of children) if (child.process.exitCode === null) child.process.kill();
  });
}

t.test('two connections to one file racing to claim the same blobs: exactly one write for each', async (t) => {
  const file = join(t.testdir(), 'catalog.db');
  const first = createSqliteCatalog({ file });
  const second = createSqliteCatalog({ file });
  closeAfter(t, first, second);
  for (let i = 0; i < 20; i++) {
    const candidate = candidateFor(`raced-${i}`);
    const claims = await Promise.all([first.claimBlob(candidate, NOW), second.claimBlob(candidate, NOW)]);
    t.same(claims.map((claim) => claim.kind).sort(), ['wait', 'write'], `blob ${i}`);
    const winner = claims[0]?.kind === 'write' ? first : second;
    await winner.markBlobPresent(candidate.sha256, NOW);
    t.equal((await (winner === first ? second : first).getBlob(candidate.sha256))?.state, 'present', 'the other connection sees the commit');
  }
});

t.test('three processes racing to claim the same 40 blobs: exactly one write for each, whoever wins', async (t) => {
  const file = join(t.testdir(), 'catalog.db');
  const labels = Array.from({ length: 40 }, (_, i) => `contended-${i}`);
  // Created once here, so the children race on the claims rather than on creating the schema.
  await createSqliteCatalog({ file }).close();
  const children = [forkChild(), forkChild(), forkChild()];
  killAfter(t, ...children);
  for (const [index, child] of children.entries()) {
    // Each child claims the blobs in another order, so the winners are spread.
    const order = index === 0 ? labels : index === 1 ? [...labels].reverse() : [...labels.slice(20), ...labels.slice(0, 20)];
    child.send({ op: 'claim', file, labels: order });
  }
  for (const child of children) await child.reply('ready');
  for (const child of children) child.send({ op: 'go' });
  const answers = await Promise.all(children.map((child) => child.reply('claimed')));
  const writes = new Map(labels.map((label) => [label, 0]));
  for (const [index, { kinds }] of answers.entries()) {
    const order = index === 0 ? labels : index === 1 ? [...labels].reverse() : [...labels.slice(20), ...labels.slice(0, 20)];
    t.equal(kinds.length, labels.length);
    kinds.forEach((kind, position) => {
      const label = order[position] as string;
      if (kind === 'write') writes.set(label, (writes.get(label) ?? 0) + 1);
      else t.equal(kind, 'wait', `${label}: a losing claim waits`);
    });
  }
  t.same([...writes.values()].filter((count) => count !== 1), [], 'every blob was written by exactly one process');
  t.comment(`writes won per process: ${answers.map(({ kinds }) => kinds.filter((kind) => kind === 'write').length).join(', ')}`);
  t.same(await Promise.all(children.map((child) => child.exited())), [0, 0, 0]);
  const catalog = createSqliteCatalog({ file });
  closeAfter(t, catalog);
  for (const label of labels) t.equal((await catalog.getBlob(candidateFor(label).sha256))?.state, 'writing');
});

t.test('another process holding the write lock: writes fail with a retryable BUSY after the timeout, reads go on', async (t) => {
  const file = join(t.testdir(), 'catalog.db');
  const setup = createSqliteCatalog({ file });
  await setup.claimBlob(candidateFor('before'), NOW);
  await setup.close();
  const holder = forkChild();
  killAfter(t, holder);
  holder.send({ op: 'hold', file });
  await holder.reply('holding');

  // Opening a current catalog only reads its header: it does not wait for the lock.
  const catalog = createSqliteCatalog({ file, busyTimeoutMs: 50 });
  closeAfter(t, catalog);
  const error = await expectCode(catalog.claimBlob(candidateFor('blocked'), NOW), 'STOWAGE_BUSY');
  t.equal(error.retryable, true);
  t.ok((error.retryAfterMs ?? 0) > 0, 'a wait is suggested');
  await expectCode(catalog.markBlobPresent(candidateFor('before').sha256, NOW), 'STOWAGE_BUSY');
  t.equal((await catalog.getBlob(candidateFor('before').sha256))?.state, 'writing', 'WAL: reads are not blocked by the writer');
  t.equal(await catalog.getBlob(candidateFor('blocked').sha256), undefined, 'the failed claim left nothing');

  holder.send({ op: 'release' });
  await holder.reply('released');
  t.equal(await holder.exited(), 0);
  t.equal((await catalog.claimBlob(candidateFor('blocked'), NOW)).kind, 'write', 'the retry succeeds once the lock is free');
});
