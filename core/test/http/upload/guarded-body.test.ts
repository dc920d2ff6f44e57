import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { GuardedBody, isClientStall } from '../../../src/http/upload/guarded-body.js';

t.test('socket chunks pass through as they are, never concatenated', async (t) => {
  const request = new PassThrough();
  const parts = [Buffer.from('first'), Buffer.from('second'), Buffer.from('third')];
  // Buffered before anyone reads: a read() would have joined them into one Buffer.
  for (const part of parts) request.write(part);
  request.end();
  const body = new GuardedBody(request, 10_000);
  const seen: Buffer[] = [];
  for await (const chunk of body) seen.push(chunk as Buffer);
  t.same(seen.map((chunk) => chunk.toString()), ['first', 'second', 'third']);
});

t.test('the request flows only while the consumer asks, and stays paused after a detach', async (t) => {
  const request = new PassThrough();
  const body = new GuardedBody(request, 10_000);
  request.write(Buffer.alloc(10));
  await sleep(10);
  t.equal(request.readableFlowing, false, 'nothing is pulled before the consumer asks');
  const iterator = body[Symbol.asyncIterator]();
  t.equal(((await iterator.next()).value as Buffer).length, 10);
  body.destroy();
  request.write(Buffer.alloc(5));
  await sleep(10);
  t.equal(request.readableFlowing, false, 'the rest of the body is left unread');
  t.equal(request.readableLength, 5);
});

t.test('a consumer waiting for data that does not come gets a client stall; a slow but steady body does not', async (t) => {
  const steady = new PassThrough();
  // 12 writes 50 ms apart last twice the 300 ms limit, so the limit must be pushed back by each;
  // the margin (250 ms) keeps a machine that stalls the test for a while from firing it.
  const body = new GuardedBody(steady, 300);
  const feeding = (async () => {
    for (let i = 0; i < 12; i++) {
      await sleep(50);
      steady.write(Buffer.from('x'));
    }
    steady.end();
  })();
  let bytes = 0;
  for await (const chunk of body) bytes += (chunk as Buffer).length;
  await feeding;
  t.equal(bytes, 12, 'data every 50 ms keeps a 300 ms idle limit from firing');

  const stalled = new PassThrough();
  const waiting = new GuardedBody(stalled, 30);
  stalled.write(Buffer.from('then nothing'));
  const error = await (async () => {
    try {
      for await (const _ of waiting) void _;
    } catch (caught) {
      return caught;
    }
    return undefined;
  })();
  t.match(error, { code: 'STOWAGE_TIMEOUT' });
  t.ok(isClientStall(error));
  t.equal(waiting.stallError, error);
});

t.test('time under backpressure never counts as a stall', async (t) => {
  const request = new PassThrough();
  const body = new GuardedBody(request, 30);
  for (let i = 0; i < 8; i++) request.write(Buffer.alloc(1000));
  const iterator = body[Symbol.asyncIterator]();
  let bytes = ((await iterator.next()).value as Buffer).length;
  // The consumer holds off for longer than the idle limit while chunks wait for it.
  await sleep(100);
  request.end();
  for (let step = await iterator.next(); step.done !== true; step = await iterator.next()) bytes += (step.value as Buffer).length;
  t.equal(bytes, 8000);
});
