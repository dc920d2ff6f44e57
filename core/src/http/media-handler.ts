import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import type { Stowage } from '../media/stowage.js';
import type { Principal } from '../policies/index.js';
import { composeAuth } from './auth/index.js';
import { challengeFor } from './authenticate.js';
import { decide, type DecideScope } from './decide.js';
import { resolveHandlerOptions, type MediaHandlerOptions } from './handler-options.js';
import { errorAnswer } from './http-answer.js';
import { sendNodeAnswer } from './node-response.js';
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
 * @throws StowageError `STOWAGE_INVALID_CONFIG` naming the offending option.
 */
export function createHandler(stowage: Stowage, options: MediaHandlerOptions = {}): MediaHandler {
  const settings = resolveHandlerOptions(options);
  const scope: DecideScope = { stowage, settings, strategy: composeAuth(settings.auth), challenge: challengeFor(settings.auth) };

  async function handle(req: IncomingMessage, res: ServerResponse, context: MediaHandlerContext = {}): Promise<boolean> {
    const controller = new AbortController();
    const onClose = (): void => {
      if (!res.writableFinished) controller.abort();
    };
    res.once('close', onClose);
    const method = req.method ?? 'GET';
    try {
      const decision = await decide(scope, {
        method,
        target: req.url ?? '/',
        headers: req.headers,
        signal: controller.signal,
        adapterPrincipal: context.principal,
        body: () => req,
      });
      if (decision === null) return false;
      await sendNodeAnswer(res, decision, method, scope.challenge);
      return true;
    } catch (error) {
      // Unreachable by design (decide and sendNodeAnswer do not reject); kept so handle never rejects.
      if (!res.headersSent && !res.destroyed) await sendNodeAnswer(res, errorAnswer(error, scope.challenge), method, scope.challenge);
      else res.destroy();
      return true;
    } finally {
      res.off('close', onClose);
    }
  }

  async function handleWeb(request: Request, context: MediaHandlerContext = {}): Promise<Response | null> {
    try {
      const url = new URL(request.url);
      const decision = await decide(scope, {
        method: request.method,
        target: `${url.pathname}${url.search}`,
        headers: Object.fromEntries(request.headers),
        signal: request.signal,
        adapterPrincipal: context.principal,
        body: () => webBodyAsMessage(request),
      });
      return decision === null ? null : toWebResponse(decision, request.method);
    } catch (error) {
      return toWebResponse(errorAnswer(error, scope.challenge), request.method);
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
  const headersDistinct: Record<string, string[]> = {};
  for (const [name, value] of request.headers) headersDistinct[name] = [value];
  return Object.assign(source, {
    method: request.method,
    url: new URL(request.url).pathname,
    headers: Object.fromEntries(request.headers),
    headersDistinct,
  }) as unknown as IncomingMessage;
}
