import type { Readable } from 'node:stream';
import { httpStatusOf, type StowageErrorCode } from '../error-codes.js';
import { isStowageError } from '../stowage-error.js';

/**
 * A body streamed from `stream`: exactly `length` bytes when the length is known up front.
 * `bytes`, when present, holds the same bytes in memory (a small blob from the cache): senders
 * write them in one go instead of piping `stream`, which is then never created.
 */
export interface StreamedBody {
  readonly stream: Readable;
  readonly length?: number;
  readonly bytes?: Uint8Array;
}

/** Destroys a streamed body's stream unread (a body held in memory has none to destroy). */
export function dropBody(body: HttpAnswer['body']): void {
  if (typeof body === 'object' && body.bytes === undefined) body.stream.destroy();
}

/**
 * One decided HTTP answer, independent of the framework that sends it: node:http responses and
 * fetch `Response`s are both built from it, so the two paths cannot disagree.
 *
 * `headers` use lower-case names and always hold `content-length` when the length is known (HEAD
 * answers keep the length of the body they omit). `body` is absent for an empty body.
 */
export interface HttpAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | StreamedBody;
}

/** The client went away: the node response is destroyed, nothing is written. */
export const CLIENT_GONE = Symbol('stowage.http.client-gone');

/** What deciding a request yields: an answer, or {@link CLIENT_GONE}. */
export type Decision = HttpAnswer | typeof CLIENT_GONE;

/**
 * An error answer (status 400 or more) to a request that announced a body, which may be unread,
 * with `Connection: close`: the rest of the body is then read for a bounded time after the answer
 * (`lingerAfterClosingAnswer`), instead of all of it, however large, on a kept connection.
 * Anything else is returned as it is.
 */
export function closingIfUnread(decision: Decision, hasBody: boolean): Decision {
  if (decision === CLIENT_GONE || decision.status < 400 || !hasBody) return decision;
  return { ...decision, headers: { ...decision.headers, connection: 'close' } };
}

/** Headers every error answer carries. */
const ERROR_HEADERS = Object.freeze({
  'content-type': 'application/json; charset=utf-8',
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
});

/** Messages of 5xx answers: fixed texts, so no server detail (a path, a driver message) leaks. */
const SERVER_MESSAGES: Readonly<Record<number, string>> = Object.freeze({
  500: 'The server failed to answer this request',
  503: 'The service is unavailable; retry later',
  504: 'The storage did not answer in time',
  507: 'The storage is full',
  508: 'The replacement chain of this entry loops or is too long',
});

/** A JSON error answer `{"error": message, "code": code}` with the status of `code` (or `status`). */
export function jsonErrorAnswer(
  code: StowageErrorCode,
  message: string,
  extraHeaders: Readonly<Record<string, string>> = {},
  status: number = httpStatusOf(code),
): HttpAnswer {
  const body = JSON.stringify({ error: message, code });
  return {
    status,
    headers: { ...ERROR_HEADERS, ...extraHeaders, 'content-length': String(Buffer.byteLength(body)) },
    body,
  };
}

/**
 * Messages of the refusals a caller must learn nothing from: fixed texts, never the key, the
 * filename or the owner the policy error names (RELIABILITY D7-D9).
 */
const REFUSAL_MESSAGES: Readonly<Partial<Record<StowageErrorCode, string>>> = Object.freeze({
  STOWAGE_NOT_FOUND: 'No such entry',
  STOWAGE_UNAUTHENTICATED: 'Authentication is required',
  STOWAGE_FORBIDDEN: 'You may not access this entry',
});

/** A 405 naming the methods the route allows in `Allow`. */
export function methodNotAllowed(allow: string): HttpAnswer {
  return jsonErrorAnswer('STOWAGE_INVALID_ARGUMENT', 'Method not allowed', { allow }, 405);
}

/**
 * The answer for a failure.
 *
 * Behavior:
 * - A `StowageError` answers the status of its code; anything else is `STOWAGE_INTERNAL` (500).
 * - 4xx answers carry the error's message, but 401, 403 and 404 a fixed text (so a refusal
 *   names no file, and an unknown key answers byte for byte like a hidden one); 5xx answers a
 *   fixed text per status, so no stack, cause, backend path or driver message reaches the client.
 * - `retryAfterMs` becomes `Retry-After` in whole seconds (at least 1); a
 *   `STOWAGE_RANGE_NOT_SATISFIABLE` with `context.size` gets `Content-Range: bytes *\/<size>`;
 *   401 answers get `WWW-Authenticate: <challenge>`.
 */
export function errorAnswer(error: unknown, challenge: string): HttpAnswer {
  if (!isStowageError(error)) return jsonErrorAnswer('STOWAGE_INTERNAL', SERVER_MESSAGES[500] as string);
  const status = httpStatusOf(error.code);
  const headers: Record<string, string> = {};
  if (status === 401) headers['www-authenticate'] = challenge;
  if (error.retryAfterMs !== undefined && Number.isFinite(error.retryAfterMs) && error.retryAfterMs >= 0) {
    headers['retry-after'] = String(Math.max(1, Math.ceil(error.retryAfterMs / 1000)));
  }
  if (error.code === 'STOWAGE_RANGE_NOT_SATISFIABLE' && error.context.size !== undefined) {
    headers['content-range'] = `bytes */${error.context.size}`;
  }
  const message = status >= 500 ? (SERVER_MESSAGES[status] ?? (SERVER_MESSAGES[500] as string)) : (REFUSAL_MESSAGES[error.code] ?? error.message);
  return jsonErrorAnswer(error.code, message, headers);
}

/** `true` for the failures that mean the client went away: `STOWAGE_ABORTED` (its request signal aborted). */
export function isClientGone(error: unknown): boolean {
  return isStowageError(error, 'STOWAGE_ABORTED');
}
