import type { IncomingMessage, ServerResponse } from 'node:http';
import { finished, Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import type { Principal } from '../policies/index.js';
import type { Release } from '../semaphore.js';
import type { ResolvedHandlerLimits } from './handler-limits.js';
import { CLIENT_GONE, closingIfUnread, errorAnswer, type Decision } from './http-answer.js';
import { arrivedAfterClosingAnswer, lingerAfterClosingAnswer } from './lingering-close.js';
import { sendNodeAnswer } from './node-response.js';
import type { HeaderBag } from './preconditions.js';
import { NodeRouteRequest } from './node-route-request.js';
import { createRequestGate } from './request-gate.js';
import { stallGuard } from './stall-guard.js';
import { toWebResponse } from './web-response.js';

/** What an adapter may tell a handler about a request. */
export interface MediaHandlerContext {
  /** The principal the adapter already has (`req.user`, `ctx.state.user`); non-null skips the strategies. */
  readonly principal?: Principal | null;
}

/** A request as every profile's `decide` sees it, whichever entry point it came through. */
export interface RouteRequest {
  readonly method: string;
  readonly headers: HeaderBag;
  /**
   * Aborts when the client goes away. On node:http it is created when first read (already
   * aborted if the client has left): an `AbortSignal` costs microseconds, and a download
   * answered from memory never needs one.
   */
  readonly signal: AbortSignal;
  /** The principal the adapter already has, if any. */
  readonly adapterPrincipal: Principal | null | undefined;
  /** The request body as a node:http message; called at most once. */
  readonly body: () => IncomingMessage;
  /** `true` when the request announces a body (an early answer leaves it unread). */
  readonly hasBody: boolean;
}

/** A profile: which targets it owns, and how it decides them. */
export interface RouteProfile<T> {
  /** The parsed target when the profile owns the raw request target (path and query), else `undefined`. */
  readonly route: (target: string) => T | undefined;
  /** Decides the answer; never rejects (failures are answers). */
  readonly decide: (request: RouteRequest, target: T) => Promise<Decision>;
  /** The `WWW-Authenticate` value of a 401. */
  readonly challenge: string;
  readonly limits: ResolvedHandlerLimits;
}

/** A profile over HTTP, for node:http and for the Fetch API. */
export interface RouteHandler {
  /**
   * Answers a node:http request for one of the profile's routes and resolves `true` once the
   * response is done; resolves `false` without touching `res` for any other URL (adapters then
   * call `next()`). Never rejects.
   */
  handle(req: IncomingMessage, res: ServerResponse, context?: MediaHandlerContext): Promise<boolean>;
  /** Fetch API: a `Response`, or `null` for a URL outside the profile's routes. Never rejects. */
  handleWeb(request: Request, context?: MediaHandlerContext): Promise<Response | null>;
}

/**
 * The HTTP plumbing every profile shares, written once: the concurrency gate (`503` +
 * `Retry-After` before any I/O), client-gone aborts, the send idle cut-off (a socket timeout for
 * node:http, a stall guard on the fetch body), slots held until the body is sent, `Connection:
 * close` on every error answer to a request that announced a body (`closingIfUnread`: a refused
 * upload's body is never drained whole), a lingering close after an answer that leaves a request
 * body unread on a closing node:http connection (`lingerAfterClosingAnswer`), and answers sent
 * the same way on both entry points.
 */
export function createRouteHandler<T>(profile: RouteProfile<T>): RouteHandler {
  const gate = createRequestGate(profile.limits);
  const sendIdleMs = profile.limits.sendIdleTimeoutMs;
  const { challenge } = profile;

  async function handle(req: IncomingMessage, res: ServerResponse, context: MediaHandlerContext = {}): Promise<boolean> {
    // Sent after an answer that closed the connection: never decided, nor passed on.
    if (arrivedAfterClosingAnswer(req)) {
      res.destroy();
      return true;
    }
    const target = profile.route(req.url ?? '/');
    if (target === undefined) return false;
    const request = new NodeRouteRequest(req, context.principal);
    const onClose = (): void => {
      if (!res.writableFinished) request.clientLeft();
    };
    // A framework may call us after the connection closed (a slow middleware before ours).
    if (res.destroyed) request.clientLeft();
    res.once('close', onClose);
    const method = request.method;
    let release: Release | undefined;
    try {
      // A free slot is taken at once; only a wait needs the signal (to leave the queue).
      release = request.gone ? undefined : gate.tryEnter();
      release ??= await gate.enter(request.signal);
      const decided = release === undefined ? (request.gone ? CLIENT_GONE : gate.busyAnswer()) : await profile.decide(request, target);
      const decision = closingIfUnread(decided, request.hasBody);
      // A closing answer to a body still arriving: read the rest after it, so the client sees it.
      if (request.hasBody) lingerAfterClosingAnswer(req, res, decision);
      await sendNodeAnswer(res, decision, method, challenge, sendIdleMs);
      return true;
    } catch (error) {
      // Unreachable by design (decide and sendNodeAnswer do not reject); kept so handle never rejects.
      if (!res.headersSent && !res.destroyed) await sendNodeAnswer(res, errorAnswer(error, challenge), method, challenge, sendIdleMs);
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
      const target = profile.route(`${url.pathname}${url.search}`);
      if (target === undefined) return null;
      release = await gate.enter(request.signal);
      if (release === undefined) return toWebResponse(request.signal.aborted ? CLIENT_GONE : gate.busyAnswer(), request.method);
      const hasBody = request.body !== null;
      const decided = await profile.decide(
        {
          method: request.method,
          headers: Object.fromEntries(request.headers),
          signal: request.signal,
          adapterPrincipal: context.principal,
          body: () => webBodyAsMessage(request),
          hasBody,
        },
        target,
      );
      const decision = closingIfUnread(decided, hasBody);
      if (decision !== CLIENT_GONE && typeof decision.body === 'object' && decision.body.bytes === undefined && request.method !== 'HEAD') {
        // The slot is held until the body has been read to the end, failed, stalled or been cancelled.
        const stream = stallGuard(decision.body.stream, sendIdleMs);
        finished(stream, release);
        handedOver = true;
        return toWebResponse({ ...decision, body: { ...decision.body, stream } }, request.method);
      }
      return toWebResponse(decision, request.method);
    } catch (error) {
      return toWebResponse(errorAnswer(error, challenge), request.method);
    } finally {
      if (!handedOver) release?.();
    }
  }

  return Object.freeze({ handle, handleWeb });
}

/**
 * A fetch request body as the node:http message the upload readers expect: a `Readable` of the
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
