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

t.test('tryAcquire takes a free permit at once, and never queues', async (t) => {
  const semaphore = new Semaphore(1, 4);
  const release = semaphore.tryAcquire();
  t.type(release, 'function');
  t.equal(semaphore.active, 1);
  t.equal(semaphore.tryAcquire(), undefined, 'no permit free: nothing, and no place in the queue');
  t.equal(semaphore.queued, 0);
  const waiting = semaphore.acquire();
  t.equal(semaphore.tryAcquire(), undefined, 'a waiter is ahead: still nothing');
  release?.();
  const next = await waiting;
  t.equal(semaphore.active, 1, 'the permit went to the waiter');
  next();
  t.equal(semaphore.active, 0);
  const again = semaphore.tryAcquire();
  t.equal(semaphore.active, 1);
  again?.();
  again?.();
  t.equal(semaphore.active, 0, 'releasing twice frees one permit');
});
