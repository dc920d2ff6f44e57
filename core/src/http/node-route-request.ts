import type { IncomingMessage } from 'node:http';
import type { Principal } from '../policies/index.js';
import type { HeaderBag } from './preconditions.js';
import type { RouteRequest } from './route-handler.js';

/** `true` when node:http headers announce a body. */
function announcesBody(headers: HeaderBag): boolean {
  const length = headers['content-length'];
  return headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * A node:http request as a profile sees it, with a client-gone signal created when first read.
 *
 * Behavior: `signal` is the same `AbortSignal` on every read; it aborts when {@link clientLeft}
 * is called, and one first read after that is already aborted. Creating an `AbortSignal` costs
 * microseconds, and most downloads (answered from memory or by a proxy) never read it. A class,
 * not an object literal with a getter: V8 builds such literals on a slow path, for every request.
 */
export class NodeRouteRequest implements RouteRequest {
  readonly method: string;
  readonly headers: HeaderBag;
  readonly hasBody: boolean;
  readonly #message: IncomingMessage;
  #controller: AbortController | undefined;
  #gone = false;

  constructor(
    message: IncomingMessage,
    readonly adapterPrincipal: Principal | null | undefined,
  ) {
    this.#message = message;
    this.method = message.method ?? 'GET';
    this.headers = message.headers;
    this.hasBody = announcesBody(message.headers);
  }

  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#gone) this.#controller.abort();
    }
    return this.#controller.signal;
  }

  /** Whether the client has gone away (without creating the signal). */
  get gone(): boolean {
    return this.#gone;
  }

  body(): IncomingMessage {
    return this.#message;
  }

  /** The client went away before the answer was sent: aborts the signal, now or when created. */
  clientLeft(): void {
    this.#gone = true;
    this.#controller?.abort();
  }
}
