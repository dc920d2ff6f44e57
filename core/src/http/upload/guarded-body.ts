import { Readable } from 'node:stream';
import { abortedError } from '../../abort.js';
import { StowageError } from '../../stowage-error.js';

const CLIENT_STALLS = new WeakSet<Error>();

/**
 * `true` when `error`, or an error in its `cause` chain, is the `STOWAGE_TIMEOUT` of a request
 * body that stalled: the client's fault (HTTP 408), unlike a backend timeout (504).
 */
export function isClientStall(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 8; current = current.cause, depth += 1) {
    if (CLIENT_STALLS.has(current)) return true;
  }
  return false;
}

/**
 * Re-emits a request body and fails it with `STOWAGE_TIMEOUT` once the consumer has waited
 * `idleMs` for data without any arriving (time spent not asking, under backpressure, never
 * counts), with `STOWAGE_ABORTED` when the client goes away before the end (the socket closed or
 * the request errored) or when `signal` aborts.
 *
 * The socket's chunks pass through as they are (`'data'` while the consumer asks, `pause()`
 * under backpressure, object mode on this side): no `read()` that concatenates whatever is
 * buffered into a new Buffer.
 *
 * Unlike `IdleWatchReadable`, destroying the result never destroys the request: it only detaches
 * (and pauses it), leaving the rest of the body unread, so the caller can still answer (with
 * `Connection: close`) before the socket goes.
 */
export class GuardedBody extends Readable {
  private timer: NodeJS.Timeout | undefined;
  private stall: StowageError | undefined;
  /** The consumer asked for data and the request is flowing. */
  private waiting = false;
  private lastData = 0;
  private readonly detach: () => void;

  constructor(
    private readonly request: Readable,
    private readonly idleMs: number,
    signal?: AbortSignal,
  ) {
    // Object mode: the consumer's read() hands over one socket chunk at a time instead of
    // joining everything buffered into a new Buffer; two chunks are kept ahead.
    super({ objectMode: true, highWaterMark: 2 });
    // The failure reaches the consumer through its read or iteration; until one starts (a put
    // stage may still be awaiting) an 'error' event with no listener must not crash the process.
    this.on('error', () => undefined);
    const onData = (chunk: Uint8Array): void => {
      this.lastData = performance.now();
      if (!this.push(chunk)) this.stopWaiting();
    };
    const onEnd = (): void => {
      this.stopWaiting();
      this.push(null);
    };
    const onError = (error: Error): void => {
      this.destroy(new StowageError('STOWAGE_ABORTED', 'the client went away before the body ended', { cause: error }));
    };
    const onClose = (): void => {
      if (!request.readableEnded) onError(request.errored ?? new Error('the request closed early'));
    };
    const onAbort = (): void => {
      this.destroy(abortedError(signal));
    };
    request.on('data', onData);
    // Attaching 'data' would start the flow; it starts only when the consumer asks (`_read`).
    request.pause();
    request.once('end', onEnd);
    request.once('error', onError);
    request.once('close', onClose);
    signal?.addEventListener('abort', onAbort, { once: true });
    this.detach = () => {
      request.off('data', onData);
      request.pause();
      request.off('end', onEnd);
      request.off('error', onError);
      request.off('close', onClose);
      signal?.removeEventListener('abort', onAbort);
    };
    if (signal?.aborted === true) onAbort();
    else if (request.readableEnded) onEnd();
    else if (request.destroyed) onClose();
  }

  override _read(): void {
    if (this.waiting || this.destroyed || this.request.readableEnded) return;
    this.waiting = true;
    this.lastData = performance.now();
    this.timer ??= setTimeout(() => this.checkIdle(), this.idleMs);
    this.request.resume();
  }

  /**
   * The `STOWAGE_TIMEOUT` this body failed with when the client stalled, else `undefined`;
   * consumers that re-wrap errors (adding context) rethrow it so `isClientStall` still holds.
   */
  get stallError(): StowageError | undefined {
    return this.stall;
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.stopWaiting();
    this.detach();
    callback(error);
  }

  /** One timer per wait, pushed back by arriving data instead of re-armed per chunk. */
  private checkIdle(): void {
    this.timer = undefined;
    if (!this.waiting || this.destroyed) return;
    const idle = performance.now() - this.lastData;
    if (idle < this.idleMs) {
      this.timer = setTimeout(() => this.checkIdle(), Math.max(1, Math.ceil(this.idleMs - idle)));
      return;
    }
    const stalled = new StowageError('STOWAGE_TIMEOUT', `the body stalled for ${this.idleMs} ms`);
    CLIENT_STALLS.add(stalled);
    this.stall = stalled;
    this.destroy(stalled);
  }

  /** Backpressure, the end, or a failure: the request pauses and no stall is counted. */
  private stopWaiting(): void {
    this.waiting = false;
    this.request.pause();
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
