import type { Stowage } from '../media/stowage.js';
import type { Principal } from '../policies/index.js';
import type { AuthStrategy } from './auth/index.js';
import { authenticate } from './authenticate.js';
import type { HandlerSettings } from './handler-options.js';
import { CLIENT_GONE, errorAnswer, isClientGone, jsonErrorAnswer, methodNotAllowed, type Decision, type HttpAnswer } from './http-answer.js';
import type { MediaTarget } from './media-target.js';
import { archiveAnswer } from './archive-answer.js';
import { deleteAnswer } from './delete-answer.js';
import { readAnswer } from './read-answer.js';
import type { RouteRequest } from './route-handler.js';
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
export async function decide(scope: DecideScope, request: RouteRequest, target: Exclude<MediaTarget, { kind: 'outside' }>): Promise<Decision> {
  try {
    switch (target.kind) {
      case 'too-long':
        return jsonErrorAnswer('STOWAGE_INVALID_PATH', 'The request target is too long', {}, 414);
      case 'invalid':
        return target.status === 400 ? jsonErrorAnswer('STOWAGE_INVALID_PATH', 'Malformed request path') : NOT_FOUND();
      case 'archive': {
        const method = request.method;
        if (method !== 'GET' && method !== 'HEAD') return methodNotAllowed('GET, HEAD');
        return await archiveAnswer(scope.stowage, target.id, { method, principal: await principalOf(scope, request), signal: request.signal });
      }
      case 'collection':
        if (scope.settings.uploads === undefined) return NOT_FOUND();
        if (request.method !== 'POST') return methodNotAllowed('POST');
        return await uploadAnswer(scope.stowage, request.body(), {
          principal: await principalOf(scope, request),
          limits: scope.settings.uploads,
          signal: request.signal,
          prefix: scope.settings.prefix,
          challenge: scope.challenge,
        });
      case 'file': {
        const method = request.method;
        if (method === 'DELETE') return await deleteAnswer(scope.stowage, target, await principalOf(scope, request), request.signal);
        if (method !== 'GET' && method !== 'HEAD') return methodNotAllowed('GET, HEAD, DELETE');
        const principal = await principalOf(scope, request);
        const read = { method, headers: request.headers, principal, signal: request.signal } as const;
        return await readAnswer(scope.stowage, { id: target.id, filename: target.filename }, read, scope.settings.prefix, scope.settings.delivery);
      }
    }
  } catch (error) {
    return isClientGone(error) ? CLIENT_GONE : errorAnswer(error, scope.challenge);
  }
}

function principalOf(scope: DecideScope, request: RouteRequest): Promise<Principal | null> {
  return authenticate(scope.strategy, request);
}
