import type { Readable } from 'node:stream';
import { CLIENT_GONE, errorAnswer, isClientGone, jsonErrorAnswer, type Decision, type HttpAnswer } from '../http/http-answer.js';
import type { HeaderBag } from '../http/preconditions.js';
import { GuardedBody, isClientStall } from '../http/upload/guarded-body.js';
import type { ResolvedUploadLimits } from '../http/upload/limits.js';
import { declaredLength } from '../http/upload/raw-upload.js';
import { StowageError } from '../stowage-error.js';
import { readMultipartFiles } from './multipart-files.js';
import { pythonJson, type FlatJson } from './python-json.js';
import { checkTaskFieldName } from './recodex-names.js';
import type { RecodexStore } from './recodex-store.js';

/** What an upload route needs of the request. */
export interface UploadRequest {
  readonly headers: HeaderBag;
  readonly signal: AbortSignal | undefined;
  /** The request body; read at most once. */
  readonly body: () => Readable;
}

/** What an upload route needs of the handler. */
export interface UploadScope {
  readonly store: RecodexStore;
  readonly prefix: string;
  readonly limits: ResolvedUploadLimits;
}

/**
 * A 200 answer with `value` as the original writes it (Python `json.dumps`), typed
 * `application/json` (the original says `text/html`; no client reads the type).
 */
export function okAnswer(value: FlatJson): HttpAnswer {
  const body = pythonJson(value);
  return {
    status: 200,
    headers: {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    },
    body,
  };
}

/**
 * The answer to a failed request that carried a body: its JSON error with `Connection: close`
 * (the unread rest of the body stays on the socket), 408 for a body that stalled, and
 * {@link CLIENT_GONE} for a client that went away.
 */
export function uploadFailure(error: unknown, challenge: string): Decision {
  if (isClientGone(error)) return CLIENT_GONE;
  const answer = isClientStall(error)
    ? jsonErrorAnswer('STOWAGE_TIMEOUT', 'The request body stalled; send it faster or retry', {}, 408)
    : errorAnswer(error, challenge);
  return { ...answer, headers: { ...answer.headers, connection: 'close' } };
}

/**
 * `POST /submissions/<id>`: every file part is stored under its field name (a relative path)
 * below `submissions/<id>/`, streamed into staging as it arrives; then the submission is
 * committed and `submission_archives/<id>.zip` built, all or nothing. Answers
 * `{"archive_path": "<prefix>/submission_archives/<id>.zip", "result_path": "<prefix>/results/<id>.zip"}`.
 */
export async function submissionAnswer(scope: UploadScope, request: UploadRequest, id: string): Promise<HttpAnswer> {
  const upload = scope.store.beginSubmission(id, request.signal === undefined ? {} : { signal: request.signal });
  try {
    await readMultipartFiles(request.headers, request.body(), scope.limits, (name, source) => upload.add(name ?? '', source), request.signal);
  } catch (error) {
    await upload.discard();
    throw error;
  }
  await upload.commit();
  return okAnswer({ archive_path: `${scope.prefix}/submission_archives/${id}.zip`, result_path: `${scope.prefix}/results/${id}.zip` });
}

/**
 * `POST /tasks` (and `/exercises`): every file part is stored by the SHA-1 of its bytes (an
 * existing hash is not rewritten). Answers `{"result": "OK", "files": {"<field>": "<prefix>/tasks/<sha1>"}}`
 * with the fields in arrival order. A field name given twice is a 400. Files stored before a
 * later part fails stay (they are content-addressed and unreferenced, as with the original).
 */
export async function tasksAnswer(scope: UploadScope, request: UploadRequest): Promise<HttpAnswer> {
  const seen = new Set<string>();
  const stored: [string, string][] = [];
  const signal = request.signal === undefined ? {} : { signal: request.signal };
  await readMultipartFiles(
    request.headers,
    request.body(),
    scope.limits,
    async (name, source) => {
      const field = checkTaskFieldName(name);
      if (seen.has(field)) throw new StowageError('STOWAGE_INVALID_ARGUMENT', 'A field name appears twice in the upload');
      seen.add(field);
      const slot = stored.push([field, '']) - 1;
      const file = await scope.store.tasks.put(source, signal);
      stored[slot] = [field, `${scope.prefix}/tasks/${file.sha1}`];
    },
    request.signal,
  );
  return okAnswer({ result: 'OK', files: new Map(stored) });
}

/**
 * `PUT /results/<id>.zip`: the raw body (whatever its Content-Type) becomes the result archive,
 * atomically. A declared `Content-Length` over the limit is refused before reading; the bytes are
 * counted as they arrive; a body shorter than its `Content-Length` stores nothing. Answers
 * `{"result": "OK"}`.
 */
export async function resultAnswer(scope: UploadScope, request: UploadRequest, id: string): Promise<HttpAnswer> {
  const length = request.headers['content-length'];
  const size = declaredLength({ 'content-length': typeof length === 'string' ? [length] : length });
  const maxBytes = Math.min(scope.limits.maxFileBytes, scope.limits.maxTotalBytes);
  if (size !== undefined && size > maxBytes) throw new StowageError('STOWAGE_TOO_LARGE', `A result may hold at most ${maxBytes} bytes`);
  const body = new GuardedBody(request.body(), scope.limits.idleTimeoutMs, request.signal);
  let refusal: StowageError | undefined;
  async function* counted(): AsyncGenerator<Uint8Array> {
    let bytes = 0;
    for await (const chunk of body as AsyncIterable<Uint8Array>) {
      bytes += chunk.byteLength;
      if (bytes > maxBytes) {
        refusal = new StowageError('STOWAGE_TOO_LARGE', `A result may hold at most ${maxBytes} bytes`);
        throw refusal;
      }
      yield chunk;
    }
  }
  try {
    await scope.store.putResult(id, counted(), { ...(size === undefined ? {} : { size }), ...(request.signal === undefined ? {} : { signal: request.signal }) });
  } catch (error) {
    // The write reports a failing source with its own context; what happened is the refusal or the stall.
    throw refusal ?? body.stallError ?? error;
  } finally {
    body.destroy();
  }
  return okAnswer({ result: 'OK' });
}
