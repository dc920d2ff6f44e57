import { once } from 'node:events';
import { Agent, createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import t, { type Test } from 'tap';
import { DEFAULT_HANDLER_LIMITS } from '../../src/http/handler-limits.js';
import type { HttpAnswer } from '../../src/http/http-answer.js';
import { lingerAfterClosingAnswer, MAX_LINGERING } from '../../src/http/lingering-close.js';
import { createRouteHandler, type RouteRequest } from '../../src/http/route-handler.js';
import { streamedPost } from './helpers/uploading-client.js';

const REFUSED: HttpAnswer = {
  status: 401,
  headers: { 'content-type': 'application/json', 'content-length': '2', connection: 'close' },
  body: '{}',
};

/** A node:http server on 127.0.0.1 with `listener`, closed at the end of the test; `closed` resolves when its first connection has closed on the server's side. */
async function listen(t: Test, listener: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ port: number; closed: Promise<void> }> {
  const server = createServer(listener);
  const closed = new Promise<void>((resolve) => server.once('connection', (socket: Socket) => socket.once('close', () => resolve())));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => {
    server.closeAllConnections();
    server.close();
  });
  return { port: (server.address() as AddressInfo).port, closed };
}

/** A server over a one-route profile whose `decide` is the test's. */
function serveRoute(t: Test, decide: (request: RouteRequest) => Promise<HttpAnswer>): Promise<{ port: number; closed: Promise<void> }> {
  const handler = createRouteHandler<string>({
    route: (target) => (target.startsWith('/x') ? target : undefined),
    decide,
    challenge: 'Bearer realm="test"',
    limits: DEFAULT_HANDLER_LIMITS,
  });
  return listen(t, (req, res) => void handler.handle(req, res));
}

/** Resolves once `text()` holds a whole answer head. */
async function answered(socket: Socket, text: () => string): Promise<void> {
  while (!text().includes('\r\n\r\n')) await once(socket, 'data');
}

/** A raw connection that sent a POST head announcing `length` bytes; `text` is what it has read. */
async function rawPost(t: Test, port: number, length: number): Promise<{ socket: Socket; text: () => string }> {
  const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
  await once(socket, 'connect');
  let text = '';
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => (text += chunk));
  socket.on('error', () => undefined);
  socket.write(`POST /x HTTP/1.1\r\nhost: x\r\ncontent-length: ${length}\r\n\r\n`);
  t.teardown(() => socket.destroy());
  return { socket, text: () => text };
}

t.test('a client still sending its body reads a closing answer given before the body was read', async (t) => {
  // The answer waits until the client has filled the socket's buffers; without lingering,
  // node:http then resets the connection with the body unread, and the client sees EPIPE.
  const { port } = await serveRoute(t, async () => {
    await new Promise((resolve) => setTimeout(resolve, 100));
    return REFUSED;
  });
  const outcomes: (number | string)[] = [];
  for (let i = 0; i < 5; i++) outcomes.push(await streamedPost(port, '/x', 8 * 1024 * 1024));
  t.same(outcomes, [401, 401, 401, 401, 401]);
});

t.test('so does one whose body was being read when the answer was decided (a limit hit mid-body)', async (t) => {
  // Without lingering: EPIPE in the client, which was writing when the reset came.
  const { port } = await serveRoute(t, async (request) => {
    const body = request.body();
    let received = 0;
    const onData = (chunk: Buffer): void => {
      received += chunk.length;
    };
    body.on('data', onData);
    while (received < 1024 * 1024) await once(body, 'data');
    body.off('data', onData);
    body.pause();
    return { ...REFUSED, status: 413 };
  });
  const outcomes: (number | string)[] = [];
  for (let i = 0; i < 5; i++) outcomes.push(await streamedPost(port, '/x', 8 * 1024 * 1024));
  t.same(outcomes, [413, 413, 413, 413, 413]);
});

t.test('a request that asked to close the connection lingers too, whatever the answer says', async (t) => {
  const { port } = await serveRoute(t, async () => ({ ...REFUSED, headers: { 'content-type': 'application/json', 'content-length': '2' } }));
  // node:http's client with `agent: false` sends `Connection: close`.
  const outcomes: (number | string)[] = [];
  for (let i = 0; i < 3; i++) outcomes.push(await streamedPost(port, '/x', 8 * 1024 * 1024));
  t.same(outcomes, [401, 401, 401]);
});

t.test('the connection closes once the rest of the body has arrived, unread by anyone', async (t) => {
  let decided = 0;
  const { port, closed } = await serveRoute(t, async () => {
    decided += 1;
    return REFUSED;
  });
  const { socket, text } = await rawPost(t, port, 1024 * 1024);
  await answered(socket, text);
  t.match(text(), /^HTTP\/1\.1 401 /, 'the answer came first');
  // The rest of the body, then a second request that must never be answered.
  socket.write(Buffer.alloc(1024 * 1024, 1));
  socket.write('GET /x HTTP/1.1\r\nhost: x\r\n\r\n');
  await closed;
  t.equal(decided, 1);
  t.equal(text().match(/HTTP\/1\.1/g)?.length, 1, 'one answer');
});

t.test('a body that keeps coming is cut off after the lingering time', async (t) => {
  const { port, closed } = await listen(t, (req, res) => {
    lingerAfterClosingAnswer(req, res, REFUSED, 200);
    res.writeHead(401, { connection: 'close', 'content-length': '0' }).end();
  });
  const { socket, text } = await rawPost(t, port, 1024 * 1024 * 1024);
  const trickle = setInterval(() => socket.write(Buffer.alloc(1024, 1)), 20);
  t.teardown(() => clearInterval(trickle));
  await closed;
  t.match(text(), /^HTTP\/1\.1 401 /);
});

t.test('the client closing its side ends the lingering at once', async (t) => {
  const { port, closed } = await listen(t, (req, res) => {
    lingerAfterClosingAnswer(req, res, REFUSED, 60_000);
    res.writeHead(401, { connection: 'close', 'content-length': '0' }).end();
  });
  const { socket, text } = await rawPost(t, port, 1024 * 1024);
  socket.write(Buffer.alloc(1000, 1));
  await answered(socket, text);
  socket.end();
  await closed;
  t.match(text(), /^HTTP\/1\.1 401 /);
});

t.test('beyond MAX_LINGERING lingering connections, a closing answer closes at once', async (t) => {
  const server = createServer((req, res) => {
    lingerAfterClosingAnswer(req, res, REFUSED, 60_000);
    res.writeHead(401, { connection: 'close', 'content-length': '0' }).end();
  });
  const accepted: Socket[] = [];
  server.on('connection', (socket: Socket) => accepted.push(socket));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => {
    server.closeAllConnections();
    server.close();
  });
  const port = (server.address() as AddressInfo).port;
  for (let i = 0; i < MAX_LINGERING + 1; i++) {
    const { socket, text } = await rawPost(t, port, 1024 * 1024);
    await answered(socket, text);
  }
  // One more than the cap: that one is closed at once, the others still linger.
  const last = accepted[MAX_LINGERING] as Socket;
  if (!last.destroyed) await once(last, 'close');
  t.equal(accepted.length, MAX_LINGERING + 1);
  t.equal(accepted.slice(0, MAX_LINGERING).filter((socket) => socket.destroyed).length, 0);
});

t.test('an answer that keeps the connection after all gives the socket its own destroySoon back', async (t) => {
  let restored!: (same: boolean) => void;
  const seen = new Promise<boolean>((resolve) => (restored = resolve));
  const { port } = await listen(t, (req, res) => {
    const original = req.socket.destroySoon;
    lingerAfterClosingAnswer(req, res, REFUSED);
    t.not(req.socket.destroySoon, original, 'replaced for a closing answer');
    // What goes out keeps the connection (a 500 replacing a refused header does).
    res.on('close', () => restored(req.socket.destroySoon === original));
    res.writeHead(500, { 'content-length': '0' }).end();
  });
  const { socket, text } = await rawPost(t, port, 1024 * 1024);
  await answered(socket, text);
  t.match(text(), /^HTTP\/1\.1 500 /);
  t.equal(await seen, true);
});

t.test('nothing changes for a connection kept alive, or a body already read', async (t) => {
  const seen: boolean[] = [];
  const { port } = await listen(t, (req, res) => {
    const original = req.socket.destroySoon;
    if (req.headers['x-case'] === 'keep') {
      lingerAfterClosingAnswer(req, res, { ...REFUSED, headers: { 'content-length': '2' } });
      seen.push(req.socket.destroySoon === original);
      res.writeHead(401, { 'content-length': '2' }).end('{}');
      return;
    }
    req.resume();
    req.on('end', () => {
      lingerAfterClosingAnswer(req, res, REFUSED);
      seen.push(req.socket.destroySoon === original);
      res.writeHead(401, { connection: 'close', 'content-length': '2' }).end('{}');
    });
  });
  // A keep-alive client: node:http's own `agent: false` asks for `Connection: close`.
  const agent = new Agent({ keepAlive: true });
  t.teardown(() => agent.destroy());
  for (const kase of ['keep', 'read']) {
    await new Promise<void>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/x', agent, headers: { 'x-case': kase, 'content-length': 4 } }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end('body');
    });
  }
  t.same(seen, [true, true]);
});
