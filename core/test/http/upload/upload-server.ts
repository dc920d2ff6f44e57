import { createServer, request as httpRequest, type ClientRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'tap';
import { ERROR_CODES } from '../../../src/error-codes.js';
import type { Stowage } from '../../../src/media/stowage.js';
import type { PutResult } from '../../../src/media/types.js';
import { isStowageError, StowageError } from '../../../src/stowage-error.js';
import { createdResponse } from '../../../src/http/upload/created-response.js';
import { receiveUpload, type ReceiveUploadOptions } from '../../../src/http/upload/receive-upload.js';
import type { Catalog } from '../../../src/catalog/catalog.js';

/** What the server saw for one request: the put result or the error receiveUpload threw. */
export type Outcome = { readonly result: PutResult } | { readonly error: StowageError };

/** A node:http server on 127.0.0.1 that runs receiveUpload for every request. */
export interface UploadServer {
  readonly port: number;
  readonly tempDirectory: string;
  /** The outcome of the next request the server finishes (in finishing order). */
  nextOutcome(): Promise<Outcome>;
}

/** Starts an {@link UploadServer}; it and its temp directory go away when `t` ends. */
export async function startUploadServer(t: Test, stowage: Stowage, options: Omit<ReceiveUploadOptions, 'tempDirectory'> = { principal: null }): Promise<UploadServer> {
  const tempDirectory = await mkdtemp(join(tmpdir(), 'upload-test-'));
  const waiting: ((outcome: Outcome) => void)[] = [];
  const ready: Outcome[] = [];
  const report = (outcome: Outcome): void => {
    const resolve = waiting.shift();
    if (resolve === undefined) ready.push(outcome);
    else resolve(outcome);
  };
  const server: Server = createServer((req, res) => {
    receiveUpload(stowage, req, { ...options, tempDirectory }).then(
      (result) => {
        const answer = createdResponse(result, '/media');
        res.writeHead(answer.status, answer.headers).end(answer.body);
        report({ result });
      },
      (error: unknown) => {
        if (!isStowageError(error)) throw error;
        res.writeHead(ERROR_CODES[error.code].status, { 'Content-Type': 'application/json', Connection: 'close' });
        res.end(JSON.stringify({ error: error.message, code: error.code }));
        report({ error });
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await rm(tempDirectory, { recursive: true, force: true });
  });
  return {
    port: (server.address() as AddressInfo).port,
    tempDirectory,
    nextOutcome: () => {
      const outcome = ready.shift();
      return outcome === undefined ? new Promise((resolve) => waiting.push(resolve)) : Promise.resolve(outcome);
    },
  };
}

function drained(req: ClientRequest): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      req.off('drain', done).off('close', done);
      resolve();
    };
    req.on('drain', done).on('close', done);
  });
}

/** What the client got back: a response, or the error of a connection the server closed. */
export type ClientAnswer = { status: number; headers: IncomingHttpHeaders; body: string } | { failed: Error };

/** A body part: bytes to send, or a pause to take before the next part. */
export type BodyPart = Uint8Array | string | { readonly wait: Promise<unknown> };

/**
 * Sends a POST with `headers` and `body` (an iterable of parts, written with backpressure);
 * `destroyAfter` ends the connection abruptly after the parts instead of finishing the request.
 */
export function send(
  port: number,
  headers: Record<string, string | string[]>,
  body: Iterable<BodyPart> | AsyncIterable<BodyPart>,
  options: { destroyAfter?: boolean } = {},
): Promise<ClientAnswer> {
  return new Promise((resolve) => {
    const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/media', headers });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (error) => resolve({ failed: error }));
    });
    req.on('error', (error) => resolve({ failed: error }));
    void (async () => {
      try {
        for await (const part of body) {
          if (req.destroyed) return;
          if (typeof part === 'object' && 'wait' in part) {
            await part.wait;
            continue;
          }
          if (!req.write(part)) await drained(req);
        }
        if (options.destroyAfter === true) {
          // Let what was written reach the socket first, so the server sees a body cut short.
          await new Promise((flushed) => req.write('', flushed));
          req.destroy();
        } else req.end();
      } catch (error) {
        req.destroy(error as Error);
      }
    })();
  });
}

/** The code of an outcome's error; fails the test when the outcome is a success. */
export function errorCode(t: Test, outcome: Outcome): string | undefined {
  if ('error' in outcome) return outcome.error.code;
  t.fail('expected the upload to fail');
  return undefined;
}

/** The result of a successful outcome; throws (with the error as cause) otherwise. */
export function resultOf(outcome: Outcome): PutResult {
  if ('result' in outcome) return outcome.result;
  throw new Error(`the upload failed with ${outcome.error.code}`, { cause: outcome.error });
}

/** Every entry of the catalog, in any state. */
export async function allEntries(catalog: Catalog): Promise<unknown[]> {
  const entries: unknown[] = [];
  for await (const entry of catalog.scanEntries()) entries.push(entry);
  return entries;
}

/** The names in the server's temp directory (the spool directories left behind). */
export async function leftovers(server: UploadServer): Promise<string[]> {
  return readdir(server.tempDirectory);
}

const CRLF = '\r\n';

/** One part of a hand-built multipart body. */
export interface Part {
  readonly name: string;
  readonly filename?: string;
  /** Raw `Content-Disposition` parameters replacing the built ones (for hostile cases). */
  readonly disposition?: string;
  readonly contentType?: string;
  readonly body: Uint8Array | string;
}

/** The head (boundary line and part headers) of one part. */
export function partHead(boundary: string, part: Omit<Part, 'body'>): string {
  const disposition = part.disposition ?? `form-data; name="${part.name}"${part.filename === undefined ? '' : `; filename="${part.filename}"`}`;
  return `--${boundary}${CRLF}Content-Disposition: ${disposition}${CRLF}${part.contentType === undefined ? '' : `Content-Type: ${part.contentType}${CRLF}`}${CRLF}`;
}

/** A complete multipart/form-data body. */
export function multipartBody(boundary: string, parts: readonly Part[]): Buffer {
  const pieces: Buffer[] = [];
  for (const part of parts) {
    pieces.push(Buffer.from(partHead(boundary, part)), Buffer.from(part.body), Buffer.from(CRLF));
  }
  pieces.push(Buffer.from(`--${boundary}--${CRLF}`));
  return Buffer.concat(pieces);
}

/** The request headers of a multipart body with `boundary`. */
export function multipartHeaders(boundary: string, length?: number): Record<string, string> {
  return {
    'Content-Type': `multipart/form-data; boundary=${boundary}`,
    ...(length === undefined ? {} : { 'Content-Length': String(length) }),
  };
}
