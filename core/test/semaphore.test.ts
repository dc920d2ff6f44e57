import t from 'tap';
import { isStowageError, Semaphore } from '../src/index.js';

t.test('grants up to max permits, then queues in FIFO order', async (t) => {
  const semaphore = new Semaphore(2);
  const a = await semaphore.acquire();
  const b = await semaphore.acquire();
  t.equal(semaphore.active, 2);
  const order: string[] = [];
  const c = semaphore.acquire().then((release) => {
    order.push('c');
    return release;
  });
  const d = semaphore.acquire().then((release) => {
    order.push('d');
    return release;
  });
  t.equal(semaphore.queued, 2);
  a();
  a();
  (await c)();
  b();
  (await d)();
  t.same(order, ['c', 'd']);
  t.equal(semaphore.active, 0);
  t.equal(semaphore.queued, 0);
});

t.test('a full queue refuses with BUSY and a retry hint', async (t) => {
  const semaphore = new Semaphore(1, 1, 750);
  const release = await semaphore.acquire();
  const waiting = semaphore.acquire();
  try {
    await semaphore.acquire(undefined, { path: 'p' });
    t.fail('should refuse');
  } catch (error) {
    t.ok(isStowageError(error, 'STOWAGE_BUSY'));
    if (isStowageError(error)) {
      t.equal(error.retryAfterMs, 750);
      t.equal(error.context.path, 'p');
    }
  }
  release();
  (await waiting)();
});

t.test('an aborted waiter leaves the queue', async (t) => {
  const semaphore = new Semaphore(1);
  const release = await semaphore.acquire();
  const controller = new AbortController();
  const waiting = semaphore.acquire(controller.signal);
  controller.abort();
  await t.rejects(waiting, { code: 'STOWAGE_ABORTED' });
  t.equal(semaphore.queued, 0);
  await t.rejects(semaphore.acquire(AbortSignal.abort()), { code: 'STOWAGE_ABORTED' });
  release();
  t.equal(semaphore.active, 0);
});
