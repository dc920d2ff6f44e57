import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Backend } from '../backend.js';
import { composeAuth } from '../http/auth/index.js';
import { challengeFor } from '../http/authenticate.js';
import { createRouteHandler, type MediaHandlerContext } from '../http/route-handler.js';
import { decideRecodex, type RecodexScope } from './recodex-decide.js';
import { resolveRecodexOptions, type RecodexHandlerOptions } from './recodex-options.js';
import { createRecodexStore, type RecodexStore } from './recodex-store.js';
import { parseRecodexTarget } from './recodex-target.js';

/** What an adapter may tell the handler about a request (as for the media handler). */
export type RecodexHandlerContext = MediaHandlerContext;

/** The ReCodEx fileserver profile over HTTP, for node:http and for the Fetch API. */
export interface RecodexHandler {
  /** The storage behind the routes (for jobs and tests). */
  readonly store: RecodexStore;
  /**
   * Answers a node:http request for one of the profile's routes and resolves `true` once the
   * response is done; resolves `false` without touching `res` for any other URL (adapters then
   * call `next()`). Never rejects.
   */
  handle(req: IncomingMessage, res: ServerResponse, context?: RecodexHandlerContext): Promise<boolean>;
  /** Fetch API: a `Response`, or `null` for a URL outside the profile's routes. Never rejects. */
  handleWeb(request: Request, context?: RecodexHandlerContext): Promise<Response | null>;
}

/**
 * Creates the ReCodEx fileserver profile over a backend: wire-compatible routes of the original
 * Flask fileserver, mountable at a prefix (the root by default).
 *
 * Routes: `POST /submissions/<id>` (multipart, field names are relative paths) stores the files
 * and builds `submission_archives/<id>.zip`, answering
 * `{"archive_path": "/submission_archives/<id>.zip", "result_path": "/results/<id>.zip"}`;
 * `GET /submission_archives/<id>.zip`; `PUT /results/<id>.zip` (raw body, `{"result": "OK"}`) and
 * `GET /results/<id>.zip`; `POST /tasks` (multipart; each file stored by SHA-1, answering
 * `{"result": "OK", "files": {"<field>": "/tasks/<sha1>"}}`) and `GET /tasks/<sha1>`; `/exercises`
 * aliases `/tasks`. See `decideRecodex` for the statuses and `RecodexStore` for the storage.
 *
 * At most `limits.maxConcurrentRequests` requests are answered at once (bodies included) and
 * `limits.maxQueuedRequests` wait; more get `503` `STOWAGE_BUSY` with `Retry-After` before
 * authentication or I/O. A response body that makes no progress for `limits.sendIdleTimeoutMs`
 * is cut off; an upload body that stalls for `uploads.idleTimeoutMs` is answered 408. Error
 * answers to requests whose body may be unread carry `Connection: close`.
 *
 * @throws StowageError `STOWAGE_INVALID_CONFIG` naming the offending option.
 */
export function createRecodexHandler(backend: Backend, options: RecodexHandlerOptions = {}): RecodexHandler {
  const settings = resolveRecodexOptions(options);
  const store = createRecodexStore({ backend, root: settings.root, compress: settings.compress });
  const scope: RecodexScope = { store, settings, strategy: composeAuth(settings.auth), challenge: challengeFor(settings.auth) };
  const handler = createRouteHandler({
    route: (target) => {
      const parsed = parseRecodexTarget(target, settings.prefix);
      return parsed.kind === 'outside' ? undefined : parsed;
    },
    decide: (request, target) => decideRecodex(scope, request, target),
    challenge: scope.challenge,
    limits: settings.limits,
  });
  return Object.freeze({ store, handle: handler.handle, handleWeb: handler.handleWeb });
}
