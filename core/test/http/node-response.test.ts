import { createServer, request as httpRequest, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import t, { type Test } from 'tap';
import { CHUNK_WRITTEN, chunkRecyclerOf } from '../../src/chunked-readable.js';
import type { HttpAnswer } from '../../src/http/http-answer.js';
import { sendNodeAnswer } from '../../src/http/node-response.js';
import { rawRequest } from './helpers/media-server.js';

/** A stream of `parts` that records which chunks its consumer handed back, and when. */
class RecyclingStream extends Readable {
  readonly emitted: Buffer[] = [];
  readonly handedBack: Uint8Array[] = [];
  private next = 0;

  constructor(
    private readonly parts: readonly Buffer[],
    private readonly failAfter = Infinity,
  ) {
    super({ highWaterMark: 1 });
  }

  override _read(): void {
    setImmediate(() => {
      if (this.next === this.failAfter) {
        this.destroy(new Error('disk gone'));
        return;
      }
      const part = this.parts[this.next++];
      if (part !== undefined) this.emitted.push(part);
      this.push(part ?? null);
    });
  }

  [CHUNK_WRITTEN](chunk: Uint8Array): void {
    this.handedBack.push(chunk);
  }
}

/** A server answering every request with `answer()` through sendNodeAnswer; resolves its port. */
async function serve(t: Test, answer: () => HttpAnswer, sent: Array<Promise<void>>): Promise<number> {
  const server = createServer((_req, res: ServerResponse) => {
    sent.push(sendNodeAnswer(res, answer(), 'GET', 'Bearer', 10_000));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as AddressInfo).port;
}

const parts = Array.from({ length: 40 }, (_, i) => Buffer.alloc(64 * 1024, i));
const total = parts.reduce((sum, part) => sum + part.length, 0);

t.test('each chunk is handed back to a recycling stream once written, in order, and only then', async (t) => {
  const stream = new RecyclingStream(parts);
  const sent: Array<Promise<void>> = [];
  const port = await serve(t, () => ({ status: 200, headers: { 'content-length': String(total) }, body: { stream, length: total } }), sent);
  const res = await rawRequest(port, 'GET', '/');
  await Promise.all(sent);
  t.equal(res.complete, true);
  t.ok(res.body.equals(Buffer.concat(parts)));
  t.equal(stream.handedBack.length, parts.length);
  t.ok(
    stream.handedBack.every((chunk, i) => chunk === stream.emitted[i]),
    'the very chunks emitted, in order',
  );
});

t.test('a stream failing mid-way breaks the connection; only written chunks come back', async (t) => {
  const stream = new RecyclingStream(parts, 5);
  const sent: Array<Promise<void>> = [];
  const port = await serve(t, () => ({ status: 200, headers: { 'content-length': String(total) }, body: { stream, length: total } }), sent);
  const res = await rawRequest(port, 'GET', '/');
  await Promise.all(sent);
  t.equal(res.complete, false, 'the client sees an aborted body');
  t.ok(res.body.length <= 5 * 64 * 1024);
  t.ok(stream.handedBack.length <= 5);
  t.ok(stream.handedBack.every((chunk, i) => chunk === stream.emitted[i]));
});

t.test('a client going away destroys the stream, and the send resolves', async (t) => {
  const stream = new RecyclingStream(Array.from({ length: 4000 }, () => parts[0] ?? Buffer.alloc(0)));
  const sent: Array<Promise<void>> = [];
  const port = await serve(t, () => ({ status: 200, headers: {}, body: { stream } }), sent);
  await new Promise<void>((resolve) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
      res.once('data', () => req.destroy());
    });
    req.on('error', () => undefined);
    req.on('close', () => resolve());
    req.end();
  });
  while (sent.length === 0) await new Promise((resolve) => setImmediate(resolve));
  await Promise.all(sent);
  t.equal(stream.destroyed, true);
  t.ok(stream.handedBack.length < 4000);
});

t.test('chunkRecyclerOf finds the hook only on streams offering it', async (t) => {
  t.equal(chunkRecyclerOf(Readable.from([])), undefined);
  const stream = new RecyclingStream([]);
  const hook = chunkRecyclerOf(stream);
  const chunk = Buffer.from('x');
  hook?.(chunk);
  t.same(stream.handedBack, [chunk], 'bound to its stream');
  t.equal(CHUNK_WRITTEN, Symbol.for('@stowage/core.chunk-written'), 'a registered symbol plugins can name');
});

/** A server sending one in-memory body through sendNodeAnswer with an idle cut-off of `idleMs`; `before` runs on the response first. */
async function serveBytes(t: Test, bytes: Buffer, before: (res: ServerResponse) => void, sent: Array<Promise<void>>, idleMs = 200): Promise<number> {
  const server = createServer((_req, res: ServerResponse) => {
    before(res);
    const answer: HttpAnswer = { status: 200, headers: { 'content-length': String(bytes.length) }, body: { stream: Readable.from([]), length: bytes.length, bytes } };
    sent.push(sendNodeAnswer(res, answer, 'GET', 'Bearer', idleMs));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return (server.address() as AddressInfo).port;
}

/** A GET whose response is not read until `resume()`; `done` resolves with the body length read, or rejects if the body never ends. */
function pausedGet(port: number): { resume: () => void; done: Promise<number> } {
  let reading = false;
  let resume = (): void => {
    reading = true;
  };
  const done = new Promise<number>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
      let length = 0;
      res.on('data', (chunk: Buffer) => (length += chunk.length));
      res.on('end', () => resolve(length));
      res.on('close', () => reject(new Error(`the body was cut off after ${length} bytes`)));
      // 'data' listeners start the flow: pause unless the test already asked to read.
      if (!reading) res.pause();
      resume = () => res.resume();
    });
    req.on('error', reject);
    req.end();
  });
  return { resume: () => resume(), done };
}

t.test('a body in memory is done once the socket has taken it, whether or not the client read it yet', async (t) => {
  const small = Buffer.alloc(4096, 3);
  const sent: Array<Promise<void>> = [];
  const seen: { socket?: ServerResponse['socket'] } = {};
  const port = await serveBytes(t, small, (res) => (seen.socket = res.socket), sent);
  const client = pausedGet(port);
  while (sent.length === 0) await new Promise((resolve) => setImmediate(resolve));
  await sent[0];
  t.pass('4 KiB fit in the socket: done before the client read a byte');
  t.not(seen.socket?.timeout, 200, 'and no idle timer was armed on the connection for it');
  client.resume();
  t.equal(await client.done, small.length);

  // 64 MiB cannot: the send waits for the client, and ends when it has read everything. The idle
  // cut-off is far longer than the pause, so a slow machine cannot turn the wait into a cut-off.
  const large = Buffer.alloc(64 * 1024 * 1024, 4);
  const waiting: Array<Promise<void>> = [];
  const largePort = await serveBytes(t, large, () => undefined, waiting, 60_000);
  const slow = pausedGet(largePort);
  while (waiting.length === 0) await new Promise((resolve) => setImmediate(resolve));
  let settled = false;
  void waiting[0]?.then(() => (settled = true));
  await new Promise((resolve) => setTimeout(resolve, 100));
  t.equal(settled, false, 'bytes still in Node: not done');
  slow.resume();
  t.equal(await slow.done, large.length);
  await waiting[0];
});

t.test('a body in memory the client does not read is cut off after the idle timeout', async (t) => {
  // Far more than the socket buffers hold: most of it stays in Node, so the stall guard is armed.
  const bytes = Buffer.alloc(64 * 1024 * 1024, 5);
  const sent: Array<Promise<void>> = [];
  const port = await serveBytes(t, bytes, () => undefined, sent);
  let resume = (): void => undefined;
  const outcome = new Promise<{ complete: boolean; length: number }>((resolve) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
      let length = 0;
      res.on('data', (chunk: Buffer) => (length += chunk.length));
      res.on('error', () => undefined);
      res.on('close', () => resolve({ complete: res.complete, length }));
      res.pause();
      resume = () => res.resume();
    });
    req.on('error', () => undefined);
    req.end();
  });
  while (sent.length === 0) await new Promise((resolve) => setImmediate(resolve));
  const started = Date.now();
  await sent[0];
  t.ok(Date.now() - started >= 150, 'done only after the idle timeout');
  // The paused client sees the cut-off once it reads again: a body that never ended.
  resume();
  const seen = await outcome;
  t.equal(seen.complete, false);
  t.ok(seen.length < bytes.length);
});

t.test('a body in memory whose end a wrapper defers (compression and the like) is waited for', async (t) => {
  const bytes = Buffer.alloc(4096, 6);
  const sent: Array<Promise<void>> = [];
  let flush = (): void => undefined;
  const port = await serveBytes(
    t,
    bytes,
    (res) => {
      // Like compression middleware: `end` returns at once and writes later.
      const end = res.end.bind(res) as (chunk: Buffer) => ServerResponse;
      res.end = ((chunk: Buffer) => {
        flush = () => end(chunk);
        return res;
      }) as ServerResponse['end'];
    },
    sent,
  );
  const response = rawRequest(port, 'GET', '/');
  while (sent.length === 0) await new Promise((resolve) => setImmediate(resolve));
  let settled = false;
  void sent[0]?.then(() => (settled = true));
  await new Promise((resolve) => setTimeout(resolve, 50));
  t.equal(settled, false, 'nothing written yet: not done');
  flush();
  await sent[0];
  t.equal((await response).body.length, bytes.length);
});
