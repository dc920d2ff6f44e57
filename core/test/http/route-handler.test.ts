import { once } from 'node:events';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { DEFAULT_HANDLER_LIMITS } from '../../src/http/handler-limits.js';
import type { HttpAnswer } from '../../src/http/http-answer.js';
import { createRouteHandler, type RouteRequest } from '../../src/http/route-handler.js';
import { until } from '../helpers/until.js';

const OK: HttpAnswer = { status: 200, headers: { 'content-type': 'text/plain', 'content-length': '2' }, body: 'ok' };

/** A served request's response closing, as the server sees it (after the handler's own close listener ran). */
type ServerClose = Promise<void>;

/**
 * A node:http server over a one-route profile whose `decide` is the test's. `closes` gets one
 * promise per request, in arrival order, resolved when the server sees its response close: a
 * test waits for that instead of guessing how long the server takes to notice a client leaving.
 */
async function serve(decide: (request: RouteRequest) => Promise<HttpAnswer>, limits = DEFAULT_HANDLER_LIMITS): Promise<{ server: Server; port: number; closes: ServerClose[] }> {
  const closes: ServerClose[] = [];
  const handler = createRouteHandler<string>({
    route: (target) => (target.startsWith('/x') ? target : undefined),
    decide: (request) => decide(request),
    challenge: 'Bearer realm="test"',
    limits,
  });
  const server = createServer((req, res) => {
    // Registered before the handler's: when this resolves, the handler has seen the close too.
    closes.push(once(res, 'close').then(() => undefined));
    void handler.handle(req, res).then((handled) => {
      if (!handled) res.writeHead(404).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as AddressInfo).port, closes };
}

/** Sends a GET and destroys it once the server has started deciding (`started` resolves). */
async function abandonedGet(port: number, started: Promise<void>): Promise<void> {
  const req = httpRequest({ host: '127.0.0.1', port, path: '/x', agent: false });
  req.on('error', () => undefined);
  req.end();
  await started;
  req.destroy();
}

function get(port: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: '/x', agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

t.test('a signal first read after the client left is already aborted', async (t) => {
  let started!: () => void;
  const decideStarted = new Promise<void>((resolve) => (started = resolve));
  let read!: (signal: AbortSignal) => void;
  const signalRead = new Promise<AbortSignal>((resolve) => (read = resolve));
  const { server, port, closes } = await serve(async (request) => {
    started();
    // Wait for the server to see the client go away, without touching the signal.
    await closes[0];
    read(request.signal);
    return OK;
  });
  t.teardown(() => server.close());
  await abandonedGet(port, decideStarted);
  const signal = await signalRead;
  t.equal(signal.aborted, true);
});

t.test('a signal read before the client leaves aborts when it does', async (t) => {
  let started!: () => void;
  const decideStarted = new Promise<void>((resolve) => (started = resolve));
  let aborted!: () => void;
  const abortSeen = new Promise<void>((resolve) => (aborted = resolve));
  const { server, port } = await serve(async (request) => {
    const signal = request.signal;
    t.equal(signal.aborted, false);
    t.equal(request.signal, signal, 'read twice, one signal');
    signal.addEventListener('abort', () => aborted(), { once: true });
    started();
    await abortSeen;
    return OK;
  });
  t.teardown(() => server.close());
  await abandonedGet(port, decideStarted);
  await abortSeen;
  t.pass('the abort reached the listener');
});

t.test('a request answered normally never sees its signal abort, read or not', async (t) => {
  const signals: AbortSignal[] = [];
  const { server, port } = await serve(async (request) => {
    if (signals.length === 0) signals.push(request.signal);
    return OK;
  });
  t.teardown(() => server.close());
  t.same(await get(port), { status: 200, body: 'ok' });
  t.same(await get(port), { status: 200, body: 'ok' }, 'a decide that never reads the signal is answered too');
  // The connection (agent: false) has closed after the answer: that is not a client going away.
  await new Promise((resolve) => setTimeout(resolve, 50));
  t.equal(signals.length, 1);
  t.equal(signals[0]?.aborted, false);
});

t.test('a request that finds every slot taken waits with its signal, and leaves the queue when the client goes', async (t) => {
  let release!: () => void;
  const hold = new Promise<void>((resolve) => (release = resolve));
  let firstStarted!: () => void;
  const first = new Promise<void>((resolve) => (firstStarted = resolve));
  let decided = 0;
  const { server, port, closes } = await serve(
    async () => {
      decided += 1;
      if (decided === 1) {
        firstStarted();
        await hold;
      }
      return OK;
    },
    { ...DEFAULT_HANDLER_LIMITS, maxConcurrentRequests: 1, maxQueuedRequests: 1 },
  );
  t.teardown(() => server.close());
  const holder = get(port);
  await first;
  // Queued behind the holder, then abandoned: it must leave the queue, not take the slot later.
  const queued = httpRequest({ host: '127.0.0.1', port, path: '/x', agent: false });
  queued.on('error', () => undefined);
  queued.end();
  // Once the server has it (queued: the only slot is held), the client leaves; the slot is
  // released only after the server has seen it go.
  await until(() => closes.length === 2, 'the queued request reaching the server');
  queued.destroy();
  await closes[1];
  release();
  t.same(await holder, { status: 200, body: 'ok' });
  t.same(await get(port), { status: 200, body: 'ok' }, 'the slot came back');
  t.equal(decided, 2, 'the abandoned request was never decided');
});

t.test('a request handed over after its client left is answered as gone, and its signal is aborted', async (t) => {
  let seen: AbortSignal | undefined;
  let decided = 0;
  const handler = createRouteHandler<string>({
    route: (target) => target,
    decide: async (request) => {
      decided += 1;
      seen = request.signal;
      return OK;
    },
    challenge: 'Bearer realm="test"',
    limits: DEFAULT_HANDLER_LIMITS,
  });
  let handled!: (result: { handled: boolean; destroyed: boolean }) => void;
  const outcome = new Promise<{ handled: boolean; destroyed: boolean }>((resolve) => (handled = resolve));
  // A slow middleware before ours: the handler is only called once the connection has closed.
  const server = createServer((req, res) => {
    res.once('close', () => {
      void handler.handle(req, res).then((result) => handled({ handled: result, destroyed: res.destroyed }));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => server.close());
  const arrived = once(server, 'request');
  const req = httpRequest({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, path: '/x', agent: false });
  req.on('error', () => undefined);
  req.end();
  await arrived;
  req.destroy();
  t.same(await outcome, { handled: true, destroyed: true });
  t.equal(decided, 0, 'never decided: the client was gone before a slot was taken');
  t.equal(seen, undefined);
});
