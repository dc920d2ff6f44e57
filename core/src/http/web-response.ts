import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { httpStatusOf } from '../error-codes.js';
import { CLIENT_GONE, dropBody, jsonErrorAnswer, type Decision } from './http-answer.js';

/** Statuses whose responses cannot carry a body in the Fetch API. */
const NULL_BODY_STATUSES: ReadonlySet<number> = new Set([101, 103, 204, 205, 304]);

/**
 * Builds a fetch `Response` from a decision, with the same status, headers and body bytes as
 * the node:http path.
 *
 * Behavior: HEAD and null-body statuses get a `null` body (a body stream is destroyed unread);
 * streamed bodies go through `Readable.toWeb`, so a failing stream errors the response body
 * instead of ending it cleanly. {@link CLIENT_GONE} becomes the 499 JSON answer of
 * `STOWAGE_ABORTED`, which nobody reads. Throws `TypeError` for a header value the Fetch API
 * refuses (after destroying any body stream).
 */
export function toWebResponse(decision: Decision, method: string): Response {
  const answer =
    decision === CLIENT_GONE
      ? jsonErrorAnswer('STOWAGE_ABORTED', 'The client closed the request', {}, httpStatusOf('STOWAGE_ABORTED'))
      : decision;
  const body = answer.body;
  let headers: Headers;
  try {
    headers = new Headers(answer.headers);
  } catch (error) {
    // A header value the Fetch API refuses: the caller answers 500 instead; the bytes are never read.
    dropBody(body);
    throw error;
  }
  if (method === 'HEAD' || body === undefined || NULL_BODY_STATUSES.has(answer.status)) {
    dropBody(body);
    return new Response(null, { status: answer.status, headers });
  }
  if (typeof body === 'string') return new Response(body, { status: answer.status, headers });
  if (body.bytes !== undefined) return new Response(body.bytes, { status: answer.status, headers });
  const stream = Readable.toWeb(body.stream) as NodeReadableStream<Uint8Array>;
  return new Response(stream as unknown as ReadableStream<Uint8Array>, { status: answer.status, headers });
}
