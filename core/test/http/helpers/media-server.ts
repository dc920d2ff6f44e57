import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHandler, type MediaHandler, type MediaHandlerContext, type MediaHandlerOptions } from '../../../src/http/index.js';
import type { Stowage } from '../../../src/media/stowage.js';

/** A real node:http server on 127.0.0.1 in front of a media handler. */
export interface MediaServer {
  readonly handler: MediaHandler;
  readonly server: Server;
  readonly port: number;
  /** How many requests fell through to the server's own 418 (outside the prefix). */
  readonly passedThrough: () => number;
  /** How many requests the server has handed to the handler so far. */
  readonly received: () => number;
  close(): Promise<void>;
}

/** What a raw request answered. */
export interface RawResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** `[name, value, name, value, ...]` exactly as received. */
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
  /** Whether the body ended cleanly (false when the connection broke mid-body). */
  readonly complete: boolean;
}

/** Starts a server whose requests go to `createHandler(stowage, options)`; others answer 418. */
export async function startMediaServer(
  stowage: Stowage,
  options: MediaHandlerOptions = {},
  contextOf: (headers: IncomingHttpHeaders) => MediaHandlerContext = () => ({}),
): Promise<MediaServer> {
  const handler = createHandler(stowage, options);
  let passed = 0;
  let received = 0;
  const server = createServer((req, res) => {
    received += 1;
    void handler.handle(req, res, contextOf(req.headers)).then((handled) => {
      if (!handled) {
        passed += 1;
        res.writeHead(418).end('not mine');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    handler,
    server,
    port,
    passedThrough: () => passed,
    received: () => received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Sends one request with the exact `target` (no normalization) and collects the answer. */
export function rawRequest(
  port: number,
  method: string,
  target: string,
  headers: Record<string, string | string[]> = {},
  body?: Buffer | string,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path: target, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      let complete = false;
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        complete = true;
      });
      res.on('error', () => undefined);
      res.on('close', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          rawHeaders: res.rawHeaders,
          body: Buffer.concat(chunks),
          complete: complete && res.complete,
        }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Counts the occurrences of a header (case-insensitive) in raw headers. */
export function headerCount(raw: readonly string[], name: string): number {
  let count = 0;
  for (let index = 0; index < raw.length; index += 2) if (raw[index]?.toLowerCase() === name) count += 1;
  return count;
}
