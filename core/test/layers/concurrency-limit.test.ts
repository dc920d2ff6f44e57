import t from 'tap';
import { applyLayers, concurrencyLimitLayer, isStowageError } from '../../src/index.js';
import { ScriptedBackend } from '../helpers/scripted-backend.js';

t.test('no more than max operations run at once', async (t) => {
  const scripted = new ScriptedBackend();
  let running = 0;
  let peak = 0;
  const tracked = new (class extends ScriptedBackend {
    override async createDir(path: string): Promise<void> {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running -= 1;
      await this.inner.createDir(path);
    }
  })(scripted);
  const backend = applyLayers(tracked, [concurrencyLimitLayer({ max: 3 })]);
  await Promise.all(Array.from({ length: 12 }, (_, i) => backend.createDir(`d${String(i)}`)));
  t.equal(peak, 3);
});

t.test('a full queue answers BUSY with a retry hint at once', async (t) => {
  const scripted = new ScriptedBackend();
  const backend = applyLayers(scripted, [concurrencyLimitLayer({ max: 1, maxQueue: 1, retryAfterMs: 500 })]);
  scripted.script('stat', { delayMs: 30 }, { delayMs: 1 });
  await scripted.createDir('a');
  const first = backend.stat('a');
  const second = backend.stat('a');
  try {
    await backend.stat('a');
    t.fail('should be refused');
  } catch (error) {
    t.ok(isStowageError(error, 'STOWAGE_BUSY'));
    if (isStowageError(error)) {
      t.equal(error.retryAfterMs, 500);
      t.equal(error.context.operation, 'stat');
    }
  }
  await Promise.all([first, second]);
});

t.test('a read holds its turn until its stream closes', async (t) => {
  const scripted = new ScriptedBackend();
  await scripted.write('a', [Buffer.alloc(10)]);
  const backend = applyLayers(scripted, [concurrencyLimitLayer({ max: 1, maxQueue: 0 })]);
  const { stream } = await backend.read('a');
  await t.rejects(backend.stat('a'), { code: 'STOWAGE_BUSY' });
  stream.resume();
  await new Promise((resolve) => stream.once('close', resolve));
  t.equal((await backend.stat('a')).size, 10);
  scripted.script('read', { fail: new Error('open failed') });
  await t.rejects(backend.read('a'), { message: 'open failed' });
  t.equal((await backend.stat('a')).size, 10, 'a failed open gives its turn back');
});

t.test('an aborted waiter gives up its place', async (t) => {
  const scripted = new ScriptedBackend();
  const backend = applyLayers(scripted, [concurrencyLimitLayer({ max: 1 })]);
  scripted.script('createDir', { delayMs: 30 });
  const first = backend.createDir('a');
  const controller = new AbortController();
  const waiting = backend.createDir('b', { signal: controller.signal });
  controller.abort();
  await t.rejects(waiting, { code: 'STOWAGE_ABORTED' });
  await first;
  t.equal(scripted.count('createDir'), 1);
});

t.test('every operation goes through the limit, listings step by step', async (t) => {
  const scripted = new ScriptedBackend();
  const backend = applyLayers(scripted, [concurrencyLimitLayer({ max: 1 })]);
  await backend.write('d/a', [Buffer.from('a')]);
  await backend.write('d/b', [Buffer.from('b')]);
  const seen: string[] = [];
  for await (const entry of backend.list('d')) {
    seen.push(entry.path);
    t.equal((await backend.stat(entry.path)).kind, 'file', 'other calls proceed between listing steps');
  }
  t.same(seen.sort(), ['d/a', 'd/b']);
  for await (const _ of backend.list('d')) break;
  await backend.copy!('d/a', 'd/c');
  await backend.rename!('d/c', 'd/e');
  t.match((await backend.link!('d/a')).href, /d%2Fa$/);
  t.equal(await backend.localPath!('d/a'), '/srv/d/a');
  await backend.delete('d', { recursive: true });
  t.same(scripted.calls.filter((call) => call === 'list').length, 2);
});

t.test('invalid options are rejected with INVALID_CONFIG', async (t) => {
  for (const options of [{ max: 0 }, { max: 1, maxQueue: -1 }, { max: 1, retryAfterMs: -5 }, { max: 1.5 }]) {
    t.throws(() => concurrencyLimitLayer(options), { code: 'STOWAGE_INVALID_CONFIG' });
  }
});
