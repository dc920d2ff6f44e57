import type { IncomingMessage, ServerResponse } from 'node:http';
import { finished, Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import type { Stowage } from '../media/stowage.js';
import type { Principal } from '../policies/index.js';
import type { Release } from '../semaphore.js';
import { composeAuth } from './auth/index.js';
import { challengeFor } from './authenticate.js';
import { decide, type DecideScope } from './decide.js';
import { resolveHandlerOptions, type MediaHandlerOptions } from './handler-options.js';
import { CLIENT_GONE, errorAnswer } from './http-answer.js';
import { parseMediaTarget } from './media-target.js';
import { sendNodeAnswer } from './node-response.js';
import { createRequestGate } from './request-gate.js';
import { stallGuard } from './stall-guard.js';
import { toWebResponse } from './web-response.js';

/** What an adapter may tell the handler about a request. */
export interface MediaHandlerContext {
  /** The principal the adapter already has (`req.user`, `ctx.state.user`); non-null skips the strategies. */
  readonly principal?: Principal | null;
}

/** The media profile over HTTP, for node:http and for the Fetch API. */
export interface MediaHandler {
  /**
   * Answers a node:http request under the prefix and resolves `true` once the response is done;
   * resolves `false` without touching `res` when the URL is outside the prefix (adapters then
   * call `next()`). Never rejects.
   */
  handle(req: IncomingMessage, res: ServerResponse, context?: MediaHandlerContext): Promise<boolean>;
  /** Fetch API: a `Response`, or `null` when the URL is outside the prefix. Never rejects. */
  handleWeb(request: Request, context?: MediaHandlerContext): Promise<Response | null>;
}

/**
 * Creates the framework-neutral media handler: `GET`/`HEAD <prefix>/<long id>/<filename>` with
 * the decision order, headers and delivery modes of DESIGN §3, and `POST <prefix>` uploads when
 * enabled. Both entry points decide through the same function, so they answer the same statuses,
 * headers and bodies.
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
  const gate = createRequestGate(settings.limits);
  const sendIdleMs = settings.limits.sendIdleTimeoutMs;

  async function handle(req: IncomingMessage, res: ServerResponse, context: MediaHandlerContext = {}): Promise<boolean> {
    const target = parseMediaTarget(req.url ?? '/', settings.prefix);
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
      const decision = await decide(
        scope,
        { method, headers: req.headers, signal: controller.signal, adapterPrincipal: context.principal, body: () => req },
        target,
      );
      await sendNodeAnswer(res, decision, method, scope.challenge, sendIdleMs);
      return true;
    } catch (error) {
      // Unreachable by design (decide and sendNodeAnswer do not reject); kept so handle never rejects.
      if (!res.headersSent && !res.destroyed) await sendNodeAnswer(res, errorAnswer(error, scope.challenge), method, scope.challenge, sendIdleMs);
      else res.destroy();
      return true;
    } finally {
      release?.();
      res.off('close', onClose);
    }
  }

  async function handleWeb(request: Request, context: MediaHandlerContext = {}): Promise<Response | null> {
    let release: Release | undefined;
    let handedOver = false;
    try {
      const url = new URL(request.url);
      const target = parseMediaTarget(`${url.pathname}${url.search}`, settings.prefix);
      if (target.kind === 'outside') return null;
      release = await gate.enter(request.signal);
      if (release === undefined) return toWebResponse(request.signal.aborted ? CLIENT_GONE : gate.busyAnswer(), request.method);
      const decision = await decide(
        scope,
        {
          method: request.method,
          headers: Object.fromEntries(request.headers),
          signal: request.signal,
          adapterPrincipal: context.principal,
          body: () => webBodyAsMessage(request),
        },
        target,
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

  return Object.freeze({ handle, handleWeb });
}

/**
 * A fetch request body as the node:http message the upload reader expects: a `Readable` of the
 * bytes carrying `method`, `url`, lower-case `headers` and `headersDistinct` (the Fetch API has
 * already joined repeated headers, so each holds one value).
 */
function webBodyAsMessage(request: Request): IncomingMessage {
  const source = request.body === null ? Readable.from([]) : Readable.fromWeb(request.body as unknown as NodeReadableStream<Uint8Array>);
  // Like node:http's IncomingMessage, an error of a body nobody reads any more (the client left
  // after the answer was decided) must not crash the process: readers attach their own listener.
  source.on('error', () => undefined);
  const headersDistinct: Record<string, string[]> = {};
  for (const [name, value] of request.headers) headersDistinct[name] = [value];
  return Object.assign(source, {
    method: request.method,
    url: new URL(request.url).pathname,
    headers: Object.fromEntries(request.headers),
    headersDistinct,
  }) as unknown as IncomingMessage;
}
