import { Readable } from 'node:stream';
import t from 'tap';
import {
  applyLayers,
  createMemoryBackend,
  ForwardingBackend,
  isStowageError,
  timeoutLayer,
  type ReadOptions,
  type ReadResult,
} from '../../src/index.js';
import { ScriptedBackend } from '../helpers/scripted-backend.js';

function streamError(stream: Readable): Promise<unknown> {
  return new Promise((resolve) => {
    stream.once('error', resolve);
    stream.once('end', () => resolve(undefined));
  });
}

t.test('an operation that overruns rejects with TIMEOUT, and the inner one sees its signal abort', async (t) => {
  const scripted = new ScriptedBackend();
  const backend = applyLayers(scripted, [timeoutLayer({ ms: 30 })]);
  for (const operation of ['stat', 'delete', 'createDir', 'copy', 'rename', 'link', 'localPath'] as const) {
    scripted.script(operation, { hang: true });
  }
  const calls = [
    backend.stat('a'),
    backend.delete('a'),
    backend.createDir('a'),
    backend.copy!('a', 'b'),
    backend.rename!('a', 'b'),
    backend.link!('a'),
    backend.localPath!('a'),
  ];
  for (const call of calls) {
    try {
      await call;
      t.fail('should time out');
    } catch (error) {
      t.ok(isStowageError(error, 'STOWAGE_TIMEOUT'));
      if (isStowageError(error)) t.equal(error.context.backend, 'scripted');
    }
  }
  t.ok(scripted.signals.every((signal) => signal?.aborted === true));
});

t.test('operations within the deadline pass through', async (t) => {
  const scripted = new ScriptedBackend();
  const backend = applyLayers(scripted, [timeoutLayer({ ms: 1000 })]);
  await backend.createDir('d');
  await backend.write('d/a', [Buffer.from('abc')]);
  t.equal((await backend.stat('d/a')).size, 3);
  const names: string[] = [];
  for await (const entry of backend.list('d')) names.push(entry.path);
  t.same(names, ['d/a']);
  await backend.copy!('d/a', 'd/b');
  await backend.rename!('d/b', 'd/c');
  await backend.delete('d', { recursive: true });
});

t.test('a caller abort is ABORTED, not TIMEOUT', async (t) => {
  const scripted = new ScriptedBackend();
  const backend = applyLayers(scripted, [timeoutLayer({ ms: 10_000 })]);
  scripted.script('stat', { hang: true });
  const controller = new AbortController();
  const pending = backend.stat('a', { signal: controller.signal });
  controller.abort();
  await t.rejects(pending, { code: 'STOWAGE_ABORTED' });
  await t.rejects(backend.stat('a', { signal: AbortSignal.abort() }), { code: 'STOWAGE_ABORTED' });
});

t.test('a read stream that opens after its deadline is destroyed', async (t) => {
  const memory = createMemoryBackend();
  await memory.write('a', [Buffer.from('abc')]);
  let late: Readable | undefined;
  const slowOpen = new (class extends ForwardingBackend {
    override async read(path: string, options?: ReadOptions): Promise<ReadResult> {
      await new Promise((resolve) => setTimeout(resolve, 60));
      const result = await this.inner.read(path);
      late = result.stream;
      void options;
      return result;
    }
  })(memory);
  const backend = applyLayers(slowOpen, [timeoutLayer({ ms: 20 })]);
  await t.rejects(backend.read('a'), { code: 'STOWAGE_TIMEOUT' });
  await new Promise((resolve) => setTimeout(resolve, 80));
  t.ok(late?.destroyed, 'the late stream was destroyed');
});

t.test('a read stream that stalls fails with TIMEOUT; a slow consumer does not', async (t) => {
  const stalling = new (class extends ForwardingBackend {
    override async read(path: string): Promise<ReadResult> {
      const stream = new Readable({ read() {} });
      stream.push(Buffer.from('first'));
      return { entry: { path, kind: 'file', size: 10 }, stream, offset: 0, length: 10 };
    }
  })(createMemoryBackend());
  const backend = applyLayers(stalling, [timeoutLayer({ ms: 1000, idleMs: 30 })]);
  const { stream } = await backend.read('a');
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  const error = await streamError(stream);
  t.ok(isStowageError(error, 'STOWAGE_TIMEOUT'));
  t.equal(Buffer.concat(chunks).toString(), 'first');

  const memory = createMemoryBackend();
  await memory.write('big', [Buffer.alloc(1024 * 1024, 7)]);
  const patient = applyLayers(memory, [timeoutLayer({ ms: 1000, idleMs: 20 })]);
  const slow = (await patient.read('big')).stream;
  let total = 0;
  for await (const chunk of slow) {
    total += (chunk as Buffer).byteLength;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  t.equal(total, 1024 * 1024, 'pauses of the consumer are not counted');
});

t.test('destroying the watched stream destroys the inner one; inner errors pass through', async (t) => {
  const memory = createMemoryBackend();
  await memory.write('a', [Buffer.alloc(300_000)]);
  let inner: Readable | undefined;
  const spy = new (class extends ForwardingBackend {
    override async read(path: string, options?: ReadOptions): Promise<ReadResult> {
      const result = await this.inner.read(path, options);
      inner = result.stream;
      return result;
    }
  })(memory);
  const backend = applyLayers(spy, [timeoutLayer({ ms: 1000 })]);
  const { stream } = await backend.read('a');
  stream.destroy();
  await new Promise((resolve) => setImmediate(resolve));
  t.ok(inner?.destroyed);

  const second = await backend.read('a');
  const failed = streamError(second.stream);
  inner?.destroy(new Error('disk gone'));
  t.match(await failed, { message: 'disk gone' });

  const third = await backend.read('a');
  const closedEarly = streamError(third.stream);
  inner?.destroy();
  t.ok(await closedEarly, 'an inner stream closing before its end is an error');
});

t.test('a write whose source stalls fails with TIMEOUT and commits nothing', async (t) => {
  const memory = createMemoryBackend();
  const backend = applyLayers(memory, [timeoutLayer({ ms: 1000, idleMs: 30 })]);
  async function* stalled(): AsyncGenerator<Uint8Array> {
    yield Buffer.from('begin');
    await new Promise(() => undefined);
  }
  await t.rejects(backend.write('a', stalled()), { code: 'STOWAGE_TIMEOUT' });
  await t.rejects(memory.stat('a'), { code: 'STOWAGE_NOT_FOUND' });
  async function* steady(): AsyncGenerator<Uint8Array> {
    for (let i = 0; i < 5; i++) {
      await new Promise((resolve) => setTimeout(resolve, 15));
      yield Buffer.from('x');
    }
  }
  const entry = await backend.write('b', steady());
  t.equal(entry.size, 5, 'a slow but steady write is never cut off');
});

t.test('a write that does not commit in time after its source ended fails with TIMEOUT', async (t) => {
  const scripted = new (class extends ScriptedBackend {
    override async write(): Promise<never> {
      return new Promise(() => undefined);
    }
  })();
  const backend = applyLayers(scripted, [timeoutLayer({ ms: 30 })]);
  await t.rejects(backend.write('a', [Buffer.from('x')]), { code: 'STOWAGE_TIMEOUT' });
});

t.test('each listing step has its own deadline', async (t) => {
  const scripted = new ScriptedBackend();
  await scripted.write('d/a', [Buffer.from('a')]);
  const backend = applyLayers(scripted, [timeoutLayer({ ms: 30 })]);
  scripted.script('list', { hang: true });
  await t.rejects(
    (async () => {
      for await (const _ of backend.list('d')) void _;
    })(),
    { code: 'STOWAGE_TIMEOUT' },
  );
  scripted.script('list', { delayMs: 10 });
  for await (const entry of backend.list('d')) {
    t.equal(entry.path, 'd/a');
    break;
  }
});

t.test('close is bounded too, and invalid options are rejected', async (t) => {
  const closing = new (class extends ForwardingBackend {
    override close(): Promise<void> {
      return new Promise(() => undefined);
    }
  })(Object.assign(Object.create(createMemoryBackend()), { close: async () => undefined }));
  const backend = applyLayers(closing, [timeoutLayer({ ms: 20 })]);
  await t.rejects(backend.close!(), { code: 'STOWAGE_TIMEOUT' });
  for (const options of [{ ms: 0 }, { ms: 1.5 }, { ms: 10, idleMs: -1 }]) {
    t.throws(() => timeoutLayer(options), { code: 'STOWAGE_INVALID_CONFIG' });
  }
});

t.test('a source that winds down after its write settled leaves no timer behind', async (t) => {
  const timers = (): number => process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;
  const backend = applyLayers(createMemoryBackend(), [timeoutLayer({ ms: 60_000 })]);
  const controller = new AbortController();
  async function* lingering(): AsyncGenerator<Uint8Array> {
    yield Buffer.from('x');
    await new Promise((resolve) => controller.signal.addEventListener('abort', () => setTimeout(resolve, 20)));
  }
  const before = timers();
  const pending = backend.write('a', lingering(), { signal: controller.signal });
  setTimeout(() => controller.abort(), 5);
  await t.rejects(pending, { code: 'STOWAGE_ABORTED' });
  await new Promise((resolve) => setTimeout(resolve, 50));
  t.equal(timers(), before);
});
