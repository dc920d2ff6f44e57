import t from 'tap';
import { applyLayers, isStowageError, retryLayer, StowageError, type RetryEvent, type RetryOptions } from '../../src/index.js';
import { ScriptedBackend } from '../helpers/scripted-backend.js';

const busy = (retryAfterMs?: number): StowageError =>
  new StowageError('STOWAGE_BUSY', 'busy', retryAfterMs === undefined ? {} : { retryAfterMs });
const notFound = new StowageError('STOWAGE_NOT_FOUND', 'missing');

function setup(options: RetryOptions = {}) {
  const scripted = new ScriptedBackend();
  const waits: number[] = [];
  const events: RetryEvent[] = [];
  const backend = applyLayers(scripted, [
    retryLayer({
      random: () => 0.5,
      sleep: async (ms) => {
        waits.push(ms);
      },
      onRetry: (event) => events.push(event),
      ...options,
    }),
  ]);
  return { scripted, backend, waits, events };
}

t.test('retryable failures are retried with exponential backoff and full jitter', async (t) => {
  const { scripted, backend, waits, events } = setup({ baseDelayMs: 100 });
  await scripted.write('a', [Buffer.from('x')]);
  scripted.script('stat', { fail: busy() }, { fail: busy() }, { fail: busy() });
  t.equal((await backend.stat('a')).size, 1);
  t.equal(scripted.count('stat'), 4);
  t.same(waits, [50, 100, 200]);
  t.same(
    events.map((event) => [event.operation, event.path, event.attempt, event.error.code]),
    [
      ['stat', 'a', 1, 'STOWAGE_BUSY'],
      ['stat', 'a', 2, 'STOWAGE_BUSY'],
      ['stat', 'a', 3, 'STOWAGE_BUSY'],
    ],
  );
});

t.test('attempts are bounded, and the last error surfaces', async (t) => {
  const { scripted, backend } = setup({ attempts: 2 });
  scripted.script('stat', { fail: busy() }, { fail: busy() }, { fail: busy() });
  await t.rejects(backend.stat('a'), { code: 'STOWAGE_BUSY' });
  t.equal(scripted.count('stat'), 2);
});

t.test('errors that are not retryable, or not StowageErrors, are not retried', async (t) => {
  const { scripted, backend } = setup();
  scripted.script('stat', { fail: notFound });
  await t.rejects(backend.stat('a'), { code: 'STOWAGE_NOT_FOUND' });
  scripted.script('delete', { fail: new Error('plain') });
  await t.rejects(backend.delete('a'), { message: 'plain' });
  t.equal(scripted.count('stat') + scripted.count('delete'), 2);
});

t.test('Retry-After is honoured as a minimum wait, and too long a one is not waited for', async (t) => {
  const { scripted, backend, waits } = setup({ baseDelayMs: 10, maxRetryAfterMs: 5000 });
  scripted.script('createDir', { fail: busy(2000) });
  await backend.createDir('d');
  t.same(waits, [2000]);
  scripted.script('createDir', { fail: busy(60_000) });
  await t.rejects(backend.createDir('d'), { code: 'STOWAGE_BUSY' });
  t.equal(scripted.count('createDir'), 3);
});

t.test('the backoff is capped by maxDelayMs', async (t) => {
  const { scripted, backend, waits } = setup({ baseDelayMs: 1000, maxDelayMs: 1500, attempts: 4, random: () => 0.999 });
  scripted.script('delete', { fail: busy() }, { fail: busy() }, { fail: busy() });
  await backend.delete('x');
  t.same(waits, [999, 1498, 1498]);
});

t.test('reads retry their opening only', async (t) => {
  const { scripted, backend } = setup();
  await scripted.write('a', [Buffer.from('abc')]);
  scripted.script('read', { fail: busy() });
  const result = await backend.read('a');
  result.stream.resume();
  t.equal(scripted.count('read'), 2);
});

t.test('writes retry while the source is untouched, or when it is an array', async (t) => {
  const { scripted, backend } = setup();
  scripted.script('write', { fail: busy() });
  await backend.write('array', [Buffer.from('abc')]);
  t.equal(scripted.count('write'), 2);
  scripted.script('write', { fail: busy() });
  async function* generated(): AsyncGenerator<Uint8Array> {
    yield Buffer.from('gen');
  }
  await backend.write('untouched', generated());
  t.equal(scripted.count('write'), 4);
  t.equal((await scripted.stat('untouched')).size, 3);
  function* syncSource(): Generator<Uint8Array> {
    yield Buffer.from('sync');
  }
  scripted.script('write', { fail: busy() });
  await backend.write('sync', syncSource());
  t.equal((await scripted.stat('sync')).size, 4);
});

t.test('a write whose source was consumed is not retried', async (t) => {
  const scripted = new ScriptedBackend();
  let consumed = false;
  const failing = new (class extends ScriptedBackend {
    override async write(path: string, source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<never> {
      for await (const _ of source as AsyncIterable<Uint8Array>) void _;
      consumed = true;
      throw new StowageError('STOWAGE_UNAVAILABLE', `lost connection after reading ${path}`);
    }
  })(scripted);
  const backend = applyLayers(failing, [retryLayer({ sleep: async () => undefined })]);
  async function* generated(): AsyncGenerator<Uint8Array> {
    yield Buffer.from('gen');
  }
  await t.rejects(backend.write('a', generated()), { code: 'STOWAGE_UNAVAILABLE' });
  t.ok(consumed);
});

t.test('listings retry until the first entry only', async (t) => {
  const { scripted, backend } = setup();
  await scripted.write('d/a', [Buffer.from('a')]);
  scripted.script('list', { fail: busy() });
  const paths: string[] = [];
  for await (const entry of backend.list('d')) paths.push(entry.path);
  t.same(paths, ['d/a']);
  t.equal(scripted.count('list'), 2);

  const midway = new (class extends ScriptedBackend {
    override async *list(): AsyncGenerator<never> {
      yield { path: 'd/a', kind: 'file', size: 1 } as never;
      throw busy();
    }
  })();
  const retried = applyLayers(midway, [retryLayer({ sleep: async () => undefined })]);
  const seen: string[] = [];
  await t.rejects(
    (async () => {
      for await (const entry of retried.list('d')) seen.push(entry.path);
    })(),
    { code: 'STOWAGE_BUSY' },
  );
  t.same(seen, ['d/a'], 'no entry is yielded twice');
});

t.test('rename retries after BUSY only', async (t) => {
  const { scripted, backend } = setup();
  await scripted.write('a', [Buffer.from('a')]);
  scripted.script('rename', { fail: busy() });
  await backend.rename!('a', 'b');
  t.equal(scripted.count('rename'), 2);
  scripted.script('rename', { fail: new StowageError('STOWAGE_TIMEOUT', 'ambiguous') });
  await t.rejects(backend.rename!('b', 'c'), { code: 'STOWAGE_TIMEOUT' });
  t.equal(scripted.count('rename'), 3);
});

t.test('copy, link and localPath are retried; close is forwarded once', async (t) => {
  const { scripted, backend } = setup();
  await scripted.write('a', [Buffer.from('a')]);
  scripted.script('copy', { fail: busy() });
  scripted.script('link', { fail: busy() });
  scripted.script('localPath', { fail: busy() });
  await backend.copy!('a', 'b');
  t.match((await backend.link!('a')).href, /a$/);
  t.equal(await backend.localPath!('a'), '/srv/a');
  t.equal(scripted.count('copy') + scripted.count('link') + scripted.count('localPath'), 6);
});

t.test('an abort during the wait stops the retries', async (t) => {
  const scripted = new ScriptedBackend();
  const backend = applyLayers(scripted, [retryLayer({ baseDelayMs: 10_000, random: () => 1 })]);
  scripted.script('stat', { fail: busy() });
  const controller = new AbortController();
  const pending = backend.stat('a', { signal: controller.signal });
  setTimeout(() => controller.abort(), 10);
  await t.rejects(pending, { code: 'STOWAGE_ABORTED' });
  scripted.script('stat', { fail: busy() });
  await t.rejects(backend.stat('a', { signal: AbortSignal.abort() }), { code: 'STOWAGE_ABORTED' }, 'no retry once aborted');
});

t.test('invalid options are rejected with INVALID_CONFIG', async (t) => {
  for (const options of [{ attempts: 0 }, { baseDelayMs: -1 }, { maxDelayMs: 1.5 }, { maxRetryAfterMs: Number.NaN }]) {
    t.throws(() => retryLayer(options), { code: 'STOWAGE_INVALID_CONFIG' });
  }
});

t.test('the default sleep really waits', async (t) => {
  const scripted = new ScriptedBackend();
  const backend = applyLayers(scripted, [retryLayer({ baseDelayMs: 20, random: () => 1 })]);
  scripted.script('createDir', { fail: busy() });
  const started = Date.now();
  await backend.createDir('d');
  t.ok(Date.now() - started >= 15);
});
