import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Test } from 'tap';
import type { Backend } from '../../../src/backend.js';
import { createMemoryBackend } from '../../../src/memory-backend.js';
import { createRecodexHandler, type RecodexHandler, type RecodexHandlerContext, type RecodexHandlerOptions } from '../../../src/recodex/index.js';
import { rawRequest, type RawResponse } from '../../http/helpers/media-server.js';
import { multipartBody, multipartHeaders, type Part } from '../../http/upload/upload-server.js';

export { rawRequest, type RawResponse };

/** A real node:http server on 127.0.0.1 in front of a ReCodEx handler. */
export interface RecodexServer {
  readonly backend: Backend;
  readonly handler: RecodexHandler;
  readonly server: Server;
  readonly port: number;
  /** Requests the handler left alone (answered 418 by the server). */
  readonly passedThrough: () => number;
  /** Resolves once every request the handler took so far is done (its `handle` resolved). */
  settled(): Promise<void>;
  request(method: string, target: string, headers?: Record<string, string | string[]>, body?: Buffer | string): Promise<RawResponse>;
  /** A multipart POST of `files` (field name → bytes; each part gets a filename) to `target`. */
  post(target: string, files: readonly (readonly [string, Buffer | string])[], headers?: Record<string, string>): Promise<RawResponse>;
}

/** The boundary every hand-built body uses. */
export const BOUNDARY = 'recodexTestBoundary';

/** Parts for `files`: field name → bytes, each with the field name's last segment as filename. */
export function fileParts(files: readonly (readonly [string, Buffer | string])[]): Part[] {
  return files.map(([name, body]) => ({ name, filename: name.slice(name.lastIndexOf('/') + 1) || 'file', body }));
}

/** A multipart body and its headers for `files`. */
export function multipart(files: readonly (readonly [string, Buffer | string])[]): { headers: Record<string, string>; body: Buffer } {
  const body = multipartBody(BOUNDARY, fileParts(files));
  return { headers: multipartHeaders(BOUNDARY, body.length), body };
}

/** Starts a server for `createRecodexHandler(backend, options)`; it stops when `t` ends. */
export async function startRecodexServer(
  t: Test,
  options: RecodexHandlerOptions = {},
  backend: Backend = createMemoryBackend(),
  contextOf: (headers: IncomingHttpHeaders) => RecodexHandlerContext = () => ({}),
): Promise<RecodexServer> {
  const handler = createRecodexHandler(backend, options);
  let passed = 0;
  const inFlight = new Set<Promise<unknown>>();
  const server = createServer((req, res) => {
    const handled = handler.handle(req, res, contextOf(req.headers)).then((done) => {
      if (!done) {
        passed += 1;
        res.writeHead(418).end('not mine');
      }
    });
    inFlight.add(handled);
    void handled.finally(() => inFlight.delete(handled));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const port = (server.address() as AddressInfo).port;
  return {
    backend,
    handler,
    server,
    port,
    passedThrough: () => passed,
    async settled() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    request: (method, target, headers = {}, body) => rawRequest(port, method, target, headers, body),
    post(target, files, headers = {}) {
      const built = multipart(files);
      return rawRequest(port, 'POST', target, { ...built.headers, ...headers }, built.body);
    },
  };
}

/** The body of a response as JSON. */
export function jsonOf(response: RawResponse): unknown {
  return JSON.parse(response.body.toString('utf8'));
}

/** The `code` of a JSON error answer. */
export function codeOf(response: RawResponse): unknown {
  return (jsonOf(response) as { code?: unknown }).code;
}

/** Every path below `folder` (files and directories), sorted. */
export async function pathsBelow(backend: Backend, folder = ''): Promise<string[]> {
  const paths: string[] = [];
  for await (const entry of backend.list(folder, { recursive: true })) paths.push(entry.kind === 'directory' ? `${entry.path}/` : entry.path);
  return paths.sort();
}

/** Every file below `folder`, sorted. */
export async function filesBelow(backend: Backend, folder = ''): Promise<string[]> {
  return (await pathsBelow(backend, folder)).filter((path) => !path.endsWith('/'));
}

/** The bytes of a stored file. */
export async function bytesOf(backend: Backend, path: string): Promise<Buffer> {
  const { stream } = await backend.read(path);
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A request whose body is still being sent: `response` settles when the server answers (or the connection breaks). */
export interface OpenRequest {
  readonly response: Promise<{ status: number; headers: IncomingHttpHeaders; body: string } | { failed: Error }>;
  write(bytes: Buffer | string): void;
  end(bytes?: Buffer | string): void;
  destroy(): void;
}

/** Starts a request, sends its headers and `first` bytes, and leaves the body open. */
export function openRequest(port: number, method: string, target: string, headers: Record<string, string>, first: Buffer | string): OpenRequest {
  const req = httpRequest({ host: '127.0.0.1', port, method, path: target, headers, agent: false });
  const response = new Promise<{ status: number; headers: IncomingHttpHeaders; body: string } | { failed: Error }>((resolve) => {
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      res.on('error', (error) => resolve({ failed: error }));
    });
    req.on('error', (error) => resolve({ failed: error }));
  });
  req.write(first);
  return {
    response,
    write: (bytes) => req.write(bytes),
    end: (bytes) => (bytes === undefined ? req.end() : req.end(bytes)),
    destroy: () => req.destroy(),
  };
}
