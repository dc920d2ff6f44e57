import { errorAnswer, isStowageError, jsonErrorAnswer, StowageError, type HttpAnswer, type StowageErrorCode } from '@stowage/core';
import { APP_CHALLENGE } from './users.js';

// The application's own JSON answers. Error answers, their fixed 5xx texts and the upload's 201
// are @stowage/core's (`errorAnswer`, `jsonErrorAnswer`, `uploadAnswer`); only what is the
// application's own is here.

const JSON_HEADERS = Object.freeze({
  'content-type': 'application/json; charset=utf-8',
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
});

/** `value` as JSON with `status`, `Content-Length`, `nosniff` and `Cache-Control: no-store` (headers as core's error answers). */
export function jsonAnswer(status: number, value: unknown): HttpAnswer {
  const body = JSON.stringify(value);
  return { status, headers: { ...JSON_HEADERS, 'content-length': String(Buffer.byteLength(body)) }, body };
}

/**
 * The answer for a failure outside the upload route: core's `errorAnswer` with the
 * application's challenge.
 *
 * Behavior: as `errorAnswer` (the status of the code, fixed texts for 401/403/404 and 5xx,
 * `Retry-After`, anything not a `StowageError` is 500), with `WWW-Authenticate:`
 * {@link APP_CHALLENGE} on 401, and `Connection: close` on `STOWAGE_TOO_LARGE`: the JSON routes
 * refuse an oversized body without reading the rest of it.
 */
export function failureAnswer(error: unknown): HttpAnswer {
  const answer = errorAnswer(error, APP_CHALLENGE);
  if (!isStowageError(error, 'STOWAGE_TOO_LARGE')) return answer;
  return { ...answer, headers: { ...answer.headers, connection: 'close' } };
}

/** The application's own 404, marked `X-Fallback: app` so clients can tell it from the media profile's. */
export function notFoundAnswer(): HttpAnswer {
  return jsonErrorAnswer('STOWAGE_NOT_FOUND', 'Not found', { 'x-fallback': 'app' });
}

/**
 * The text of an answer's body ('' when it has none).
 *
 * Errors: `STOWAGE_INTERNAL` for a streamed body: the application only writes JSON answers, and
 * core's `errorAnswer` and `uploadAnswer` answer text.
 */
export function answerText(answer: HttpAnswer): string {
  if (typeof answer.body === 'object') throw new StowageError('STOWAGE_INTERNAL', 'the application writes only text answers');
  return answer.body ?? '';
}

/**
 * The failure a 5xx JSON error answer stands for (its code and fixed text), for the
 * application's `onError`: core's `uploadAnswer` answers the error and keeps it, with its server
 * detail, to itself.
 *
 * Errors: as {@link answerText}; a `SyntaxError` for a body that is not JSON.
 */
export function failureOf(answer: HttpAnswer): StowageError {
  const { error, code } = JSON.parse(answerText(answer)) as { error: string; code: StowageErrorCode };
  return new StowageError(code, error);
}
