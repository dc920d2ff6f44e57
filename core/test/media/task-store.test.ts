import { createHash } from 'node:crypto';
import t from 'tap';
import { createMemoryBackend } from '../../src/memory-backend.js';
import { createTaskStore } from '../../src/media/task-store.js';
import { bytesOf } from '../helpers/media-fixture.js';

const sha1 = (text: string): string => createHash('sha1').update(text).digest('hex');

t.test('task files live at tasks/<first hex char>/<sha1> and are never rewritten', async (t) => {
  const backend = createMemoryBackend();
  const store = createTaskStore({ backend });
  const stored = await store.put([Buffer.from('int main() {}')]);
  t.same(stored, { sha1: sha1('int main() {}'), size: 13, path: `tasks/${sha1('int main() {}')[0]}/${sha1('int main() {}')}`, created: true });
  const before = await backend.stat(stored.path);
  const again = await store.put([Buffer.from('int main'), Buffer.from('() {}')]);
  t.equal(again.created, false);
  t.same(await backend.stat(stored.path), before, 'the stored file is untouched');
  const opened = await store.open(stored.sha1, { range: { offset: 4, length: 4 } });
  t.equal((await bytesOf(opened.stream)).toString(), 'main');
  t.equal((await store.stat(stored.sha1)).size, 13);
  const leftovers = [];
  for await (const entry of backend.list('incoming-tasks', { recursive: true })) leftovers.push(entry.path);
  t.same(leftovers, []);
});

t.test('concurrent puts of the same bytes store once', async (t) => {
  const store = createTaskStore({ backend: createMemoryBackend(), prefix: 'exercises' });
  const results = await Promise.all(Array.from({ length: 20 }, () => store.put([Buffer.from('same')])));
  t.equal(results.filter((result) => result.created).length, 1);
  t.ok(results.every((result) => result.path.startsWith('exercises/')));
});

t.test('malformed and unknown hashes are not found', async (t) => {
  const store = createTaskStore({ backend: createMemoryBackend() });
  for (const bad of ['', 'abc', sha1('x').toUpperCase(), `../${sha1('x')}`, `${sha1('x')}0`, 5 as unknown as string]) {
    await t.rejects(store.open(bad), { code: 'STOWAGE_NOT_FOUND' }, String(bad));
  }
  await t.rejects(store.stat(sha1('missing')), { code: 'STOWAGE_NOT_FOUND' });
  await t.rejects(store.put([Buffer.from('abc')], { size: 5 }), { code: 'STOWAGE_SIZE_MISMATCH' });
});
