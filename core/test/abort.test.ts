import { Readable } from 'node:stream';
import t from 'tap';
import { abortedError, destroyOnAbort, isStowageError, raceAbort, StowageError, throwIfAborted } from '../src/index.js';

t.test('abortedError is ABORTED with the reason as cause, or the reason when it is a StowageError', async (t) => {
  const controller = new AbortController();
  controller.abort(new Error('why'));
  const error = abortedError(controller.signal, { path: 'p' });
  t.equal(error.code, 'STOWAGE_ABORTED');
  t.equal((error.cause as Error).message, 'why');
  const timeout = new AbortController();
  timeout.abort(new StowageError('STOWAGE_TIMEOUT', 'late'));
  const passed = abortedError(timeout.signal, { path: 'p' });
  t.equal(passed.code, 'STOWAGE_TIMEOUT');
  t.equal(passed.context.path, 'p');
  t.equal(abortedError(undefined).code, 'STOWAGE_ABORTED');
});

t.test('throwIfAborted throws only for an aborted signal', async (t) => {
  t.doesNotThrow(() => throwIfAborted(undefined));
  t.doesNotThrow(() => throwIfAborted(new AbortController().signal));
  t.throws(() => throwIfAborted(AbortSignal.abort()), { code: 'STOWAGE_ABORTED' });
});

t.test('raceAbort settles like the promise, or rejects at the abort', async (t) => {
  t.equal(await raceAbort(Promise.resolve(1), undefined), 1);
  const controller = new AbortController();
  t.equal(await raceAbort(Promise.resolve(2), controller.signal), 2);
  await t.rejects(raceAbort(Promise.reject(new Error('x')), controller.signal), { message: 'x' });
  const pending = raceAbort(new Promise(() => undefined), controller.signal);
  controller.abort();
  await t.rejects(pending, { code: 'STOWAGE_ABORTED' });
  await t.rejects(raceAbort(Promise.reject(new Error('ignored')), AbortSignal.abort()), { code: 'STOWAGE_ABORTED' });
});

t.test('destroyOnAbort destroys the stream with ABORTED and forgets the signal when it closes', async (t) => {
  const controller = new AbortController();
  const stream = destroyOnAbort(new Readable({ read() {} }), controller.signal, { path: 'p' });
  const failed = new Promise<unknown>((resolve) => stream.once('error', resolve));
  controller.abort();
  const error = await failed;
  t.ok(isStowageError(error, 'STOWAGE_ABORTED'));
  const already = destroyOnAbort(new Readable({ read() {} }), AbortSignal.abort());
  already.on('error', () => undefined);
  t.ok(already.destroyed);
  const plain = new Readable({ read() {} });
  t.equal(destroyOnAbort(plain, undefined), plain);
  const kept = new AbortController();
  const ended = destroyOnAbort(Readable.from([Buffer.from('x')]), kept.signal);
  ended.resume();
  await new Promise((resolve) => ended.once('close', resolve));
  kept.abort();
  t.notOk(ended.errored, 'an abort after close does nothing');
});
