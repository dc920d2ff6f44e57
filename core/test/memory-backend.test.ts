import t from 'tap';
import { createMemoryBackend } from '../src/index.js';

t.test('the memory backend is named by its options', async (t) => {
  t.same(createMemoryBackend({ name: 'scratch' }).info, { scheme: 'memory', name: 'scratch', root: 'memory://scratch' });
  t.equal(createMemoryBackend().info.name, 'memory');
});

t.test('an empty or non-string name is INVALID_CONFIG', async (t) => {
  t.throws(() => createMemoryBackend({ name: '' }), { code: 'STOWAGE_INVALID_CONFIG' });
  t.throws(() => createMemoryBackend({ name: 5 as unknown as string }), { code: 'STOWAGE_INVALID_CONFIG' });
});

t.test('a write is invisible until its source has been read and checked', async (t) => {
  const backend = createMemoryBackend();
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  async function* slow(): AsyncGenerator<Uint8Array> {
    yield Buffer.from('first');
    await gate;
    yield Buffer.from('second');
  }
  const pending = backend.write('a', slow());
  await new Promise((resolve) => setImmediate(resolve));
  await t.rejects(backend.stat('a'), { code: 'STOWAGE_NOT_FOUND' });
  release();
  t.equal((await pending).size, 11);
});

t.test('a directory created while a write was in flight makes the write fail', async (t) => {
  const backend = createMemoryBackend();
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  async function* slow(): AsyncGenerator<Uint8Array> {
    yield Buffer.from('x');
    await gate;
  }
  const pending = backend.write('a/b', slow());
  await new Promise((resolve) => setImmediate(resolve));
  await backend.write('a', [Buffer.from('now a file')]);
  release();
  await t.rejects(pending, { code: 'STOWAGE_NOT_A_DIRECTORY' });
});

t.test('a listing aborted midway stops with ABORTED', async (t) => {
  const backend = createMemoryBackend();
  for (let i = 0; i < 5; i++) await backend.write(`d/${String(i)}`, [Buffer.from('x')]);
  const controller = new AbortController();
  let seen = 0;
  await t.rejects(
    (async () => {
      for await (const _ of backend.list('d', { signal: controller.signal })) {
        seen += 1;
        controller.abort();
      }
    })(),
    { code: 'STOWAGE_ABORTED' },
  );
  t.equal(seen, 1);
});
