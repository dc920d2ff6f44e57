import { Semaphore, type Release } from '../semaphore.js';
import { jsonErrorAnswer, type HttpAnswer } from './http-answer.js';
import type { ResolvedHandlerLimits } from './handler-limits.js';

/**
 * Admits at most `maxConcurrentRequests` requests at once with `maxQueuedRequests` waiting; the
 * rest are refused at once with {@link RequestGate.busyAnswer}.
 */
export interface RequestGate {
  /**
   * A slot, once one is free: `release` must be called when the response is done (sent,
   * failed or abandoned); calling it twice does nothing. `undefined` when the queue is full or
   * `signal` aborts while waiting.
   */
  enter(signal: AbortSignal | undefined): Promise<Release | undefined>;
  /** A slot when one is free right now, else `undefined` (then {@link RequestGate.enter} waits or refuses). */
  tryEnter(): Release | undefined;
  /** The 503 `STOWAGE_BUSY` answer with `Retry-After` and `Connection: close`. */
  busyAnswer(): HttpAnswer;
}

/** A {@link RequestGate} over a semaphore sized by the limits. */
export function createRequestGate(limits: ResolvedHandlerLimits): RequestGate {
  const semaphore = new Semaphore(limits.maxConcurrentRequests, limits.maxQueuedRequests, limits.retryAfterSeconds * 1000);
  const retryAfter = String(limits.retryAfterSeconds);
  return {
    async enter(signal) {
      try {
        return await semaphore.acquire(signal);
      } catch {
        // STOWAGE_BUSY (queue full) or STOWAGE_ABORTED (the client left while waiting).
        return undefined;
      }
    },
    tryEnter() {
      return semaphore.tryAcquire();
    },
    busyAnswer() {
      // The body of a refused upload is never read: the connection closes (after a short
      // lingering read of what is still arriving, lingering-close.ts), rather than draining it all.
      return jsonErrorAnswer('STOWAGE_BUSY', 'Too many requests in progress; retry later', { 'retry-after': retryAfter, connection: 'close' });
    },
  };
}
