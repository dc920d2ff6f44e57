import { buffer } from 'node:stream/consumers';
import t from 'tap';
import { createStowage } from '../../src/create-stowage.js';
import { createMemoryBackend } from '../../src/index.js';
import { authenticate } from '../../src/http/authenticate.js';
import type { AuthRequest } from '../../src/http/auth/index.js';
import { readAnswer, type ReadRequest } from '../../src/http/read-answer.js';

t.test('a small blob answered from memory still offers its bytes as a stream', async (t) => {
  const stowage = createStowage({ backends: createMemoryBackend(), salt: 'read-answer-test-salt-0123456789' });
  t.teardown(() => stowage.close());
  const content = Buffer.from('held in memory');
  const { id } = await stowage.put({ filename: 'a.txt', source: [content] }, { visibility: 'public' });
  const request: ReadRequest = { method: 'GET', headers: {}, principal: null, signal: new AbortController().signal };
  const answer = await readAnswer(stowage, { id, filename: 'a.txt' }, request, '/media', new Map());
  t.equal(answer.status, 200);
  t.equal(answer.headers['content-length'], String(content.length));
  const body = answer.body;
  if (typeof body !== 'object') throw new Error('expected a body held in memory');
  t.same(Buffer.from(body.bytes ?? []), content, 'the bytes the senders write');
  t.equal(body.length, content.length);
  t.same(await buffer(body.stream), content, 'and the same bytes through the stream');
  t.equal(body.stream, body.stream, 'one stream, created once');
});

t.test('strategies see the adapter principal only when it is null, and the signal when they ask', async (t) => {
  const seen: AuthRequest[] = [];
  const strategy = async (request: AuthRequest): Promise<null> => {
    seen.push(request);
    return null;
  };
  let reads = 0;
  const signal = new AbortController().signal;
  /** A caller whose signal getter counts its reads (like the node:http request's lazy one). */
  class Caller {
    readonly method = 'GET';
    readonly headers = { authorization: 'Bearer x' };
    constructor(readonly adapterPrincipal: { name: string } | null | undefined) {}
    get signal(): AbortSignal {
      reads += 1;
      return signal;
    }
  }
  t.equal(await authenticate(strategy, new Caller(undefined)), null);
  t.equal(await authenticate(strategy, new Caller(null)), null);
  t.same(await authenticate(strategy, new Caller({ name: 'given' })), { name: 'given' }, 'a non-null principal skips the strategies');
  t.equal(seen.length, 2);
  t.equal(seen[0]?.adapterPrincipal, undefined);
  t.equal(seen[1]?.adapterPrincipal, null);
  t.equal(seen[0]?.method, 'GET');
  t.same(seen[0]?.headers, { authorization: 'Bearer x' });
  t.equal(reads, 0, 'the caller signal is not read until a strategy asks');
  t.equal(seen[1]?.signal, signal);
  t.equal(reads, 1);
});
