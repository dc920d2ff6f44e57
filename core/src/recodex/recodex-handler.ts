import type { IncomingMessage, ServerResponse } from 'node:http';
import { finished, Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import type { Backend } from '../backend.js';
import { composeAuth } from '../http/auth/index.js';
import { challengeFor } from '../http/authenticate.js';
import { CLIENT_GONE, errorAnswer, type Decision } from '../http/http-answer.js';
import type { MediaHandlerContext } from '../http/media-handler.js';
import { sendNodeAnswer } from '../http/node-response.js';
import type { HeaderBag } from '../http/preconditions.js';
import { createRequestGate } from '../http/request-gate.js';
import { stallGuard } from '../http/stall-guard.js';
import { toWebResponse } from '../http/web-response.js';
import type { Release } from '../semaphore.js';
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

/** `true` when a request announces a body (so an early answer must close the connection). */
function announcesBody(headers: HeaderBag): boolean {
  const length = headers['content-length'];
  return headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** An error answer to a request whose body may be unread closes the connection. */
function closingIfUnread(decision: Decision, hasBody: boolean): Decision {
  if (decision === CLIENT_GONE || decision.status < 400 || !hasBody) return decision;
  return { ...decision, headers: { ...decision.headers, connection: 'close' } };
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
  const gate = createRequestGate(settings.limits);
  const sendIdleMs = settings.limits.sendIdleTimeoutMs;

  async function handle(req: IncomingMessage, res: ServerResponse, context: RecodexHandlerContext = {}): Promise<boolean> {
    const target = parseRecodexTarget(req.url ?? '/', settings.prefix);
    if (target.kind === 'outside') return false;
    const controller = new AbortController();
    const onClose = (): void => {
      if (!res.writableFinished) controller.abort();
    };
    res.once('close', onClose);
    const method = req.method ?? 'GET';
    let release: Release | undefined;
    try {
      release = await gate.enter(controller.signal);
      if (release === undefined) {
        await sendNodeAnswer(res, controller.signal.aborted ? CLIENT_GONE : gate.busyAnswer(), method, scope.challenge, sendIdleMs);
        return true;
      }
      const decision = await decideRecodex(
        scope,
        { method, headers: req.headers, signal: controller.signal, adapterPrincipal: context.principal, body: () => req },
        target,
      );
      await sendNodeAnswer(res, closingIfUnread(decision, announcesBody(req.headers)), method, scope.challenge, sendIdleMs);
      return true;
    } catch (error) {
      // Unreachable by design (decideRecodex and sendNodeAnswer do not reject); kept so handle never rejects.
      if (!res.headersSent && !res.destroyed) await sendNodeAnswer(res, errorAnswer(error, scope.challenge), method, scope.challenge, sendIdleMs);
      else res.destroy();
      return true;
    } finally {
      release?.();
      res.off('close', onClose);
    }
  }

  async function handleWeb(request: Request, context: RecodexHandlerContext = {}): Promise<Response | null> {
    let release: Release | undefined;
    let handedOver = false;
    try {
      const url = new URL(request.url);
      const target = parseRecodexTarget(`${url.pathname}${url.search}`, settings.prefix);
      if (target.kind === 'outside') return null;
      release = await gate.enter(request.signal);
      if (release === undefined) return toWebResponse(request.signal.aborted ? CLIENT_GONE : gate.busyAnswer(), request.method);
      const headers = Object.fromEntries(request.headers);
      const decision = closingIfUnread(
        await decideRecodex(
          scope,
          { method: request.method, headers, signal: request.signal, adapterPrincipal: context.principal, body: () => webBody(request) },
          target,
        ),
        request.body !== null,
      );
      if (decision !== CLIENT_GONE && typeof decision.body === 'object' && request.method !== 'HEAD') {
        // The slot is held until the body has been read to the end, failed, stalled or been cancelled.
        const stream = stallGuard(decision.body.stream, sendIdleMs);
        finished(stream, release);
        handedOver = true;
        return toWebResponse({ ...decision, body: { ...decision.body, stream } }, request.method);
      }
      return toWebResponse(decision, request.method);
    } catch (error) {
      return toWebResponse(errorAnswer(error, scope.challenge), request.method);
    } finally {
      if (!handedOver) release?.();
    }
  }

  return Object.freeze({ store, handle, handleWeb });
}

/** A fetch request's body as a `Readable` (empty without one). */
function webBody(request: Request): Readable {
  const source = request.body === null ? Readable.from([]) : Readable.fromWeb(request.body as unknown as NodeReadableStream<Uint8Array>);
  // An error of a body nobody reads any more (the client left) must not crash the process.
  source.on('error', () => undefined);
  return source;
}
