import { abortedError } from './abort.js';
import { StowageError, type ErrorContext } from './stowage-error.js';

/** Releases a permit of a {@link Semaphore}; calling it again does nothing. */
export type Release = () => void;

interface Waiter {
  readonly grant: (release: Release) => void;
}

/**
 * A counting semaphore with a bounded FIFO queue. `acquire` resolves with a release function
 * once a permit is free; a full queue refuses at once with `STOWAGE_BUSY`, and an aborted
 * signal leaves the queue with `STOWAGE_ABORTED`.
 */
export class Semaphore {
  private running = 0;
  private readonly waiting: Waiter[] = [];

  /**
   * @param max - permits; at least 1.
   * @param maxQueue - waiters allowed beyond the permits.
   * @param retryAfterMs - the wait suggested by the `STOWAGE_BUSY` of a full queue.
   */
  constructor(
    readonly max: number,
    readonly maxQueue: number = Number.POSITIVE_INFINITY,
    private readonly retryAfterMs = 1000,
  ) {}

  /** Permits in use. */
  get active(): number {
    return this.running;
  }

  /** Callers waiting for a permit. */
  get queued(): number {
    return this.waiting.length;
  }

  /** A permit when one is free now (never queues), else `undefined`. */
  tryAcquire(): Release | undefined {
    if (this.running >= this.max) return undefined;
    this.running += 1;
    return this.releaser();
  }

  /** Waits for a permit. @throws StowageError `STOWAGE_BUSY`, `STOWAGE_ABORTED` */
  acquire(signal?: AbortSignal, context: ErrorContext = {}): Promise<Release> {
    if (signal?.aborted === true) return Promise.reject(abortedError(signal, context));
    if (this.running < this.max) {
      this.running += 1;
      return Promise.resolve(this.releaser());
    }
    if (this.waiting.length >= this.maxQueue) {
      return Promise.reject(
        new StowageError('STOWAGE_BUSY', 'Too many operations in progress', {
          context,
          retryAfterMs: this.retryAfterMs,
        }),
      );
    }
    return new Promise<Release>((resolve, reject) => {
      const onAbort = (): void => {
        const index = this.waiting.indexOf(waiter);
        if (index !== -1) this.waiting.splice(index, 1);
        reject(abortedError(signal, context));
      };
      const waiter: Waiter = {
        grant: (release) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(release);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiter);
    });
  }

  private releaser(): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next === undefined) this.running -= 1;
      else next.grant(this.releaser());
    };
  }
}
