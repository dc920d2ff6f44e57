import type { Stowage } from '../media/stowage.js';
import { composeAuth } from './auth/index.js';
import { challengeFor } from './authenticate.js';
import { decide, type DecideScope } from './decide.js';
import { resolveHandlerOptions, type MediaHandlerOptions } from './handler-options.js';
import { parseMediaTarget } from './media-target.js';
import { createRouteHandler, type RouteHandler } from './route-handler.js';

export type { MediaHandlerContext } from './route-handler.js';

/**
 * The media profile over HTTP, for node:http and for the Fetch API: `handle(req, res, context?)`
 * resolves `true` once it answered a request under the prefix and `false` (without touching
 * `res`) for any other URL; `handleWeb(request, context?)` answers a `Response`, or `null`
 * outside the prefix. Neither ever rejects.
 */
export type MediaHandler = RouteHandler;

/**
 * Creates the framework-neutral media handler: `GET`/`HEAD <prefix>/<long id>/<filename>` with
 * the decision order, headers and delivery modes of DESIGN §3, `DELETE` of an entry, the zip of
 * a folder-like, and `POST <prefix>` uploads when enabled. Both entry points decide through the
 * same function, so they answer the same statuses, headers and bodies.
 *
 * At most `limits.maxConcurrentRequests` requests of its routes are answered at once (bodies
 * included) and `limits.maxQueuedRequests` wait; any more get `503` `STOWAGE_BUSY` with
 * `Retry-After` before authentication or I/O. A response body that makes no progress for
 * `limits.sendIdleTimeoutMs` is cut off: node:http destroys the connection, the fetch path errors
 * the body stream (the runtime then aborts the response).
 *
 * @throws StowageError `STOWAGE_INVALID_CONFIG` naming the offending option.
 */
export function createHandler(stowage: Stowage, options: MediaHandlerOptions = {}): MediaHandler {
  const settings = resolveHandlerOptions(options);
  const scope: DecideScope = { stowage, settings, strategy: composeAuth(settings.auth), challenge: challengeFor(settings.auth) };
  return createRouteHandler({
    route: (target) => {
      const parsed = parseMediaTarget(target, settings.prefix);
      return parsed.kind === 'outside' ? undefined : parsed;
    },
    decide: (request, target) => decide(scope, request, target),
    challenge: scope.challenge,
    limits: settings.limits,
  });
}
