import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import t from 'tap';
import { runHttpContract } from '@stowage/testkit';
import { fetchHandler } from '../src/index.js';

/**
 * The smallest fetch runtime: node:http requests become `Request`s (aborted when the client goes
 * away) and `Response` bodies are piped back, cancelled when the connection closes and breaking
 * the connection when they error, as real runtimes do.
 */
function serveFetch(handle: (request: Request) => Promise<Response>) {
  return (incoming: IncomingMessage, outgoing: ServerResponse): void => {
    const headers = new Headers();
    for (const [name, value] of Object.entries(incoming.headers)) {
      if (typeof value === 'string') headers.set(name, value);
      else if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    }
    // A client that leaves mid-body errors the request ('aborted'); the web stream carries it on.
    incoming.on('error', () => undefined);
    const gone = new AbortController();
    outgoing.once('close', () => {
      if (!outgoing.writableFinished) gone.abort();
    });
    const hasBody = incoming.method !== 'GET' && incoming.method !== 'HEAD';
    const request = new Request(`http://${incoming.headers.host ?? '127.0.0.1'}${incoming.url ?? '/'}`, {
      method: incoming.method ?? 'GET',
      headers,
      signal: gone.signal,
      ...(hasBody ? { body: Readable.toWeb(incoming) as ReadableStream, duplex: 'half' } : {}),
    } as RequestInit);
    void handle(request).then(async (response) => {
      if (outgoing.destroyed) {
        await response.body?.cancel();
        return;
      }
      outgoing.writeHead(response.status, Object.fromEntries(response.headers));
      if (response.body === null) outgoing.end();
      else await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), outgoing).catch(() => outgoing.destroy());
    });
  };
}

await runHttpContract(t, {
  async start(handler) {
    const server = createServer(
      serveFetch(fetchHandler(handler, { fallback: () => new Response('not here', { status: 404, headers: { 'x-fallback': 'app' } }) })),
    );
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  },
});
