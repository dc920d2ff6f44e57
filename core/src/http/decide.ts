import type { EntryKey } from '../catalog/entry.js';
import type { Stowage } from '../media/stowage.js';
import type { Principal } from '../policies/index.js';
import type { AuthStrategy } from './auth/index.js';
import { authenticate } from './authenticate.js';
import type { HandlerSettings } from './handler-options.js';
import { CLIENT_GONE, errorAnswer, isClientGone, jsonErrorAnswer, methodNotAllowed, type Decision, type HttpAnswer } from './http-answer.js';
import type { MediaTarget } from './media-target.js';
import { archiveAnswer } from './archive-answer.js';
import { deleteAnswer } from './delete-answer.js';
import { readAnswer, type ReadRequest } from './read-answer.js';
import type { RouteRequest } from './route-handler.js';
import type { UploadLimits } from './upload/index.js';
import { uploadAnswer } from './upload-answer.js';

/** Everything deciding needs besides the request. */
export interface DecideScope {
  readonly stowage: Stowage;
  readonly settings: HandlerSettings;
  /** The configured strategies composed (`composeAuth`). */
  readonly strategy: AuthStrategy;
  readonly challenge: string;
}

const NOT_FOUND = (): HttpAnswer => jsonErrorAnswer('STOWAGE_NOT_FOUND', 'No such entry');

/**
 * Decides the answer to a request whose target (parsed by `parseMediaTarget` before anything
 * else, so a malformed one costs no I/O) is under the prefix.
 *
 * Behavior:
 * - Targets over 8 KiB → 414; invalid encodings and control characters → 400; any other
 *   malformed target → 404.
 * - `GET`/`HEAD <prefix>/<id>/<filename>` authenticate, then {@link readAnswer}; `DELETE`
 *   authenticates, then {@link deleteAnswer}; other methods → 405 with
 *   `Allow: GET, HEAD, DELETE`. `GET`/`HEAD <prefix>/<id>.zip` → {@link archiveAnswer}.
 * - `POST <prefix>` uploads when enabled (other methods on the prefix then → 405 with
 *   `Allow: POST`); without uploads every request for the prefix itself → 404.
 * - Never rejects: failures become JSON error answers, a `STOWAGE_ABORTED` becomes
 *   {@link CLIENT_GONE}, anything unexpected a 500 `STOWAGE_INTERNAL`.
 */
export function decide(scope: DecideScope, request: RouteRequest, target: Exclude<MediaTarget, { kind: 'outside' }>): Promise<Decision> {
  return decideTarget(scope, request, target).catch((error: unknown) => (isClientGone(error) ? CLIENT_GONE : errorAnswer(error, scope.challenge)));
}

/**
 * {@link decide} before its failures become answers: one small async step per kind of target
 * (every failure arrives as a rejection: nothing here throws before the async steps).
 */
function decideTarget(scope: DecideScope, request: RouteRequest, target: Exclude<MediaTarget, { kind: 'outside' }>): Promise<HttpAnswer> {
  switch (target.kind) {
    case 'too-long':
      return Promise.resolve(jsonErrorAnswer('STOWAGE_INVALID_PATH', 'The request target is too long', {}, 414));
    case 'invalid':
      return Promise.resolve(target.status === 400 ? jsonErrorAnswer('STOWAGE_INVALID_PATH', 'Malformed request path') : NOT_FOUND());
    case 'archive': {
      const method = request.method;
      if (method !== 'GET' && method !== 'HEAD') return Promise.resolve(methodNotAllowed('GET, HEAD'));
      return archive(scope, request, target.id, method);
    }
    case 'collection':
      if (scope.settings.uploads === undefined) return Promise.resolve(NOT_FOUND());
      if (request.method !== 'POST') return Promise.resolve(methodNotAllowed('POST'));
      return upload(scope, request, scope.settings.uploads);
    case 'file': {
      const method = request.method;
      if (method === 'DELETE') return remove(scope, request, target);
      if (method !== 'GET' && method !== 'HEAD') return Promise.resolve(methodNotAllowed('GET, HEAD, DELETE'));
      return read(scope, request, target, method);
    }
  }
}

async function archive(scope: DecideScope, request: RouteRequest, id: string, method: 'GET' | 'HEAD'): Promise<HttpAnswer> {
  return archiveAnswer(scope.stowage, id, { method, principal: await principalOf(scope, request), signal: request.signal });
}

async function upload(scope: DecideScope, request: RouteRequest, limits: UploadLimits): Promise<HttpAnswer> {
  return uploadAnswer(scope.stowage, request.body(), {
    principal: await principalOf(scope, request),
    limits,
    signal: request.signal,
    prefix: scope.settings.prefix,
    challenge: scope.challenge,
  });
}

async function remove(scope: DecideScope, request: RouteRequest, target: EntryKey): Promise<HttpAnswer> {
  return deleteAnswer(scope.stowage, target, await principalOf(scope, request), request.signal);
}

async function read(scope: DecideScope, request: RouteRequest, target: EntryKey, method: 'GET' | 'HEAD'): Promise<HttpAnswer> {
  const principal = await principalOf(scope, request);
  const asked = new AskedRead(method, request, principal);
  return readAnswer(scope.stowage, { id: target.id, filename: target.filename }, asked, scope.settings.prefix, scope.settings.delivery);
}

/** A read as {@link readAnswer} takes it; the signal is passed on unread (an answer from memory never creates it). */
class AskedRead implements ReadRequest {
  readonly headers: RouteRequest['headers'];
  readonly #request: RouteRequest;

  constructor(
    readonly method: 'GET' | 'HEAD',
    request: RouteRequest,
    readonly principal: Principal | null,
  ) {
    this.headers = request.headers;
    this.#request = request;
  }

  get signal(): AbortSignal {
    return this.#request.signal;
  }
}

function principalOf(scope: DecideScope, request: RouteRequest): Promise<Principal | null> {
  return authenticate(scope.strategy, request);
}
