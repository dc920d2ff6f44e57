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
