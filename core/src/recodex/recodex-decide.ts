import type { AuthStrategy } from '../http/auth/index.js';
import { authenticate } from '../http/authenticate.js';
import { CLIENT_GONE, errorAnswer, isClientGone, jsonErrorAnswer, methodNotAllowed, type Decision, type HttpAnswer } from '../http/http-answer.js';
import type { RouteRequest } from '../http/route-handler.js';
import { StowageError } from '../stowage-error.js';
import { fileAnswer } from './file-answer.js';
import type { RecodexSettings } from './recodex-options.js';
import type { RecodexStore } from './recodex-store.js';
import type { RecodexTarget } from './recodex-target.js';
import { resultAnswer, submissionAnswer, tasksAnswer, uploadFailure, type UploadScope } from './upload-answers.js';

/** A request as both entry points see it (the route handler's). */
export type RecodexRequest = RouteRequest;

/** Everything deciding needs besides the request. */
export interface RecodexScope {
  readonly store: RecodexStore;
  readonly settings: RecodexSettings;
  /** The configured strategies composed (`composeAuth`). */
  readonly strategy: AuthStrategy;
  readonly challenge: string;
}

const ZIP = 'application/zip';
const OCTETS = 'application/octet-stream';
/** Archives and results may be rebuilt or uploaded again: caches revalidate. */
const CHANGING = 'private, no-cache';
/** A task file never changes: its address is its hash. */
const IMMUTABLE = 'private, max-age=31536000, immutable';

function isRead(method: string): method is 'GET' | 'HEAD' {
  return method === 'GET' || method === 'HEAD';
}

async function authorize(scope: RecodexScope, request: RecodexRequest): Promise<void> {
  const principal = await authenticate(scope.strategy, request);
  if (principal === null && scope.settings.auth.length > 0) throw new StowageError('STOWAGE_UNAUTHENTICATED', 'Authentication is required');
}

/** Answers the upload routes, mapping their failures with {@link uploadFailure}. */
async function upload(scope: RecodexScope, request: RecodexRequest, receive: (uploads: UploadScope) => Promise<HttpAnswer>): Promise<Decision> {
  try {
    await authorize(scope, request);
    return await receive({ store: scope.store, prefix: scope.settings.prefix, limits: scope.settings.uploads });
  } catch (error) {
    return uploadFailure(error, scope.challenge);
  }
}

async function read(scope: RecodexScope, request: RecodexRequest, path: () => string, contentType: string, cacheControl: string, etag?: string): Promise<HttpAnswer> {
  await authorize(scope, request);
  return fileAnswer(scope.store.backend, path(), {
    method: request.method as 'GET' | 'HEAD',
    headers: request.headers,
    signal: request.signal,
    contentType,
    cacheControl,
    ...(etag === undefined ? {} : { etag }),
  });
}

/**
 * Decides the answer to a request for one of the profile's routes (parsed by
 * `parseRecodexTarget` first, so a malformed target costs no I/O).
 *
 * Behavior:
 * - 414 for an over-long target; 400 for an undecodable one; a malformed id, hash or extension is
 *   400 `STOWAGE_INVALID_PATH` for writes (POST, PUT) and 404 for anything else. Then the method:
 *   405 with `Allow` for one the route does not take. Then authentication (when configured; 401
 *   with the challenge). Only then storage I/O.
 * - `POST /submissions/<id>`, `POST /tasks` (`/exercises`), `PUT /results/<id>.zip`: see
 *   `submissionAnswer`, `tasksAnswer`, `resultAnswer`; their failures carry `Connection: close`.
 * - `GET`/`HEAD` of `/submission_archives/<id>.zip` and `/results/<id>.zip` (`application/zip`,
 *   `private, no-cache`) and `/tasks/<sha1>` (`application/octet-stream`, the hash as strong
 *   `ETag`, `immutable`): see `fileAnswer`.
 * - Never rejects: failures become JSON error answers `{"error", "code"}`, a client that went away
 *   {@link CLIENT_GONE}, anything unexpected a 500.
 */
export async function decideRecodex(scope: RecodexScope, request: RecodexRequest, target: Exclude<RecodexTarget, { kind: 'outside' }>): Promise<Decision> {
  const method = request.method;
  const { store } = scope;
  try {
    switch (target.kind) {
      case 'too-long':
        return jsonErrorAnswer('STOWAGE_INVALID_PATH', 'The request target is too long', {}, 414);
      case 'bad-encoding':
        return jsonErrorAnswer('STOWAGE_INVALID_PATH', 'Malformed request path');
      case 'malformed':
        return method === 'POST' || method === 'PUT'
          ? jsonErrorAnswer('STOWAGE_INVALID_PATH', 'Malformed id, hash or file name in the request path')
          : jsonErrorAnswer('STOWAGE_NOT_FOUND', 'No such file');
      case 'submission':
        if (method !== 'POST') return methodNotAllowed('POST');
        return await upload(scope, request, (uploads) => submissionAnswer(uploads, request, target.id));
      case 'tasks':
        if (method !== 'POST') return methodNotAllowed('POST');
        return await upload(scope, request, (uploads) => tasksAnswer(uploads, request));
      case 'result':
        if (method === 'PUT') return await upload(scope, request, (uploads) => resultAnswer(uploads, request, target.id));
        if (!isRead(method)) return methodNotAllowed('GET, HEAD, PUT');
        return await read(scope, request, () => store.layout.result(target.id), ZIP, CHANGING);
      case 'archive':
        if (!isRead(method)) return methodNotAllowed('GET, HEAD');
        return await read(scope, request, () => store.layout.archive(target.id), ZIP, CHANGING);
      case 'task':
        if (!isRead(method)) return methodNotAllowed('GET, HEAD');
        return await read(scope, request, () => store.tasks.pathOf(target.hash), OCTETS, IMMUTABLE, `"${target.hash}"`);
    }
  } catch (error) {
    return isClientGone(error) ? CLIENT_GONE : errorAnswer(error, scope.challenge);
  }
}
