import type { IncomingMessage } from 'node:http';
import { StowageError } from '@stowage/core';
import { isJsonContentType, JSON_BODY_LIMIT, JSON_TOO_LARGE_MESSAGE } from './json-body.js';

/**
 * Reads a request's JSON body the way `express.json({ limit: 16 KiB, inflate: false, strict })`
 * does, so both example applications answer the same: Koa has no body parser of its own.
 *
 * Behavior:
 * - No body (neither `Content-Length` nor `Transfer-Encoding`), or a `Content-Type` that is not
 *   UTF-8 JSON: `undefined`, the body is not read.
 * - An empty body is `{}`.
 *
 * Errors: `STOWAGE_TOO_LARGE` for a body over {@link JSON_BODY_LIMIT} bytes (refused from
 * `Content-Length` before reading when it is declared); `STOWAGE_INVALID_ARGUMENT` with
 * `invalidMessage` for a compressed body, one that is not JSON, or whose first character is not
 * `{` or `[`.
 */
export async function readJsonBody(request: IncomingMessage, invalidMessage: string): Promise<unknown> {
  const length = request.headers['content-length'];
  if (length === undefined && request.headers['transfer-encoding'] === undefined) return undefined;
  if (!isJsonContentType(request.headers['content-type'])) return undefined;
  const encoding = (request.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (encoding !== 'identity') throw new StowageError('STOWAGE_INVALID_ARGUMENT', invalidMessage);
  if (length !== undefined && Number(length) > JSON_BODY_LIMIT) throw new StowageError('STOWAGE_TOO_LARGE', JSON_TOO_LARGE_MESSAGE);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > JSON_BODY_LIMIT) throw new StowageError('STOWAGE_TOO_LARGE', JSON_TOO_LARGE_MESSAGE);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.length === 0) return {};
  if (!/^[\s]*[{[]/.test(text)) throw new StowageError('STOWAGE_INVALID_ARGUMENT', invalidMessage);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new StowageError('STOWAGE_INVALID_ARGUMENT', invalidMessage, { cause: error });
  }
}
