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
 * Unlike `IdleWatchReadable`, destroying the result never destroys the request: it only detaches,
 * leaving the rest of the body unread, so the caller can still answer (with `Connection: close`)
 * before the socket goes.
 */
export class GuardedBody extends Readable {
  private timer: NodeJS.Timeout | undefined;
  private stall: StowageError | undefined;
  private wanted = false;
  private readonly detach: () => void;

  constructor(
    private readonly request: Readable,
    private readonly idleMs: number,
    signal?: AbortSignal,
  ) {
    super({ highWaterMark: request.readableHighWaterMark });
    // The failure reaches the consumer through its read or iteration; until one starts (a put
    // stage may still be awaiting) an 'error' event with no listener must not crash the process.
    this.on('error', () => undefined);
    const onReadable = (): void => this.pull();
    const onEnd = (): void => {
      this.disarm();
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
    request.on('readable', onReadable);
    request.once('end', onEnd);
    request.once('error', onError);
    request.once('close', onClose);
    signal?.addEventListener('abort', onAbort, { once: true });
    this.detach = () => {
      request.off('readable', onReadable);
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
    this.wanted = true;
    this.pull();
  }

  /**
   * The `STOWAGE_TIMEOUT` this body failed with when the client stalled, else `undefined`;
   * consumers that re-wrap errors (adding context) rethrow it so `isClientStall` still holds.
   */
  get stallError(): StowageError | undefined {
    return this.stall;
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.disarm();
    this.detach();
    callback(error);
  }

  private pull(): void {
    while (this.wanted && !this.destroyed) {
      const chunk: unknown = this.request.read();
      if (chunk === null) {
        if (!this.request.readableEnded) {
          this.timer ??= setTimeout(() => {
            const stalled = new StowageError('STOWAGE_TIMEOUT', `the body stalled for ${this.idleMs} ms`);
            CLIENT_STALLS.add(stalled);
            this.stall = stalled;
            this.destroy(stalled);
          }, this.idleMs);
        }
        return;
      }
      this.disarm();
      this.wanted = this.push(chunk);
    }
  }

  private disarm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
