import { createHash } from 'node:crypto';
import t from 'tap';
import { checkedSource, isStowageError, StowageError, type ByteSource, type SourceExpectations } from '../src/index.js';

async function drain(source: ByteSource, expectations?: SourceExpectations): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of checkedSource(source, expectations)) chunks.push(chunk);
  return Buffer.concat(chunks);
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return isStowageError(error) ? error.code : `not a StowageError: ${String(error)}`;
  }
}

const hello = Buffer.from('hello');
const sha256 = createHash('sha256').update(hello).digest('hex');

t.test('passes the bytes through when size and digest match', async (t) => {
  const bytes = await drain([hello.subarray(0, 2), hello.subarray(2)], {
    size: 5,
    digest: { algorithm: 'sha256', hex: sha256.toUpperCase() },
  });
  t.ok(bytes.equals(hello));
});

t.test('an overrun fails as soon as it happens, without pulling the rest', async (t) => {
  let pulled = 0;
  function* source(): Generator<Uint8Array> {
    for (;;) {
      pulled += 1;
      yield hello;
    }
  }
  t.equal(await codeOf(drain(source(), { size: 7 })), 'STOWAGE_SIZE_MISMATCH');
  t.equal(pulled, 2);
});

t.test('a short source and a wrong digest fail at the end', async (t) => {
  t.equal(await codeOf(drain([hello], { size: 6 })), 'STOWAGE_SIZE_MISMATCH');
  t.equal(await codeOf(drain([hello], { digest: { algorithm: 'sha1', hex: 'ab' } })), 'STOWAGE_DIGEST_MISMATCH');
});

t.test('a source that throws becomes ABORTED with the cause; a StowageError passes through', async (t) => {
  const failure = new Error('reset');
  async function* broken(): AsyncGenerator<Uint8Array> {
    yield hello;
    throw failure;
  }
  try {
    await drain(broken(), { context: { backend: 'b', operation: 'write', path: 'p' } });
    t.fail('should reject');
  } catch (error) {
    t.ok(isStowageError(error, 'STOWAGE_ABORTED'));
    if (isStowageError(error)) {
      t.equal(error.cause, failure);
      t.same(error.context, { backend: 'b', operation: 'write', path: 'p' });
    }
  }
  async function* typed(): AsyncGenerator<Uint8Array> {
    throw new StowageError('STOWAGE_IO', 'disk');
    yield hello;
  }
  t.equal(await codeOf(drain(typed())), 'STOWAGE_IO');
  const throwingIterator: Iterable<Uint8Array> = {
    [Symbol.iterator]: () => ({
      next: () => {
        throw new Error('sync failure');
      },
    }),
  };
  t.equal(await codeOf(drain(throwingIterator)), 'STOWAGE_ABORTED');
});

t.test('an aborted signal stops a stalled source promptly and releases it', async (t) => {
  let released = false;
  const stalled: AsyncIterable<Uint8Array> = {
    [Symbol.asyncIterator]: () => ({
      next: () => new Promise<IteratorResult<Uint8Array>>(() => undefined),
      return: async () => {
        released = true;
        return { done: true, value: undefined };
      },
    }),
  };
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 10);
  t.equal(await codeOf(drain(stalled, { signal: controller.signal })), 'STOWAGE_ABORTED');
  await new Promise((resolve) => setImmediate(resolve));
  t.ok(released, 'the source was returned');
  t.equal(await codeOf(drain([hello], { signal: AbortSignal.abort() })), 'STOWAGE_ABORTED');
});

t.test('a consumer that stops early releases the source', async (t) => {
  let finalized = false;
  async function* source(): AsyncGenerator<Uint8Array> {
    try {
      yield hello;
      yield hello;
    } finally {
      finalized = true;
    }
  }
  for await (const chunk of checkedSource(source())) {
    t.ok(chunk);
    break;
  }
  await new Promise((resolve) => setImmediate(resolve));
  t.ok(finalized);
});

t.test('programmer mistakes are TypeErrors', async (t) => {
  await t.rejects(drain(hello as unknown as ByteSource), TypeError, 'a bare buffer');
  await t.rejects(drain(['text'] as unknown as ByteSource), TypeError, 'a string chunk');
  await t.rejects(drain(42 as unknown as ByteSource), TypeError, 'not iterable');
  await t.rejects(drain({} as unknown as ByteSource), TypeError, 'an object');
  await t.rejects(drain([hello], { size: -1 }), TypeError, 'a negative size');
});
