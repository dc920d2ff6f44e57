import { StowageError } from '../stowage-error.js';

/** Bounds one handler keeps on the requests it answers. */
export interface HandlerLimits {
  /**
   * Requests of the handler's routes being answered at once, bodies included (a download holds
   * its slot until the last byte is sent or the client goes away). @defaultValue 512
   */
  readonly maxConcurrentRequests?: number;
  /**
   * Requests allowed to wait for a slot; one more is answered `503` with `Retry-After` and
   * `STOWAGE_BUSY` at once, before authentication or any I/O. @defaultValue 512
   */
  readonly maxQueuedRequests?: number;
  /** The `Retry-After` of that 503, in seconds. @defaultValue 1 */
  readonly retryAfterSeconds?: number;
  /**
   * Milliseconds a response body may make no progress (a client that stops reading, a backend
   * that stops delivering) before it is cut off: node:http destroys the connection, the fetch
   * path errors the body stream; the backend read is released either way. @defaultValue 60 000
   */
  readonly sendIdleTimeoutMs?: number;
}

/** {@link HandlerLimits} with every default filled in. */
export type ResolvedHandlerLimits = Readonly<Required<HandlerLimits>>;

/** The defaults of {@link HandlerLimits}. */
export const DEFAULT_HANDLER_LIMITS: ResolvedHandlerLimits = Object.freeze({
  maxConcurrentRequests: 512,
  maxQueuedRequests: 512,
  retryAfterSeconds: 1,
  sendIdleTimeoutMs: 60_000,
});

const MINIMUM: Readonly<Record<keyof HandlerLimits, number>> = {
  maxConcurrentRequests: 1,
  maxQueuedRequests: 0,
  retryAfterSeconds: 1,
  sendIdleTimeoutMs: 1,
};

/**
 * Fills in the defaults of {@link HandlerLimits}; `STOWAGE_INVALID_CONFIG` naming the field for a
 * value that is not a safe integer at or above its minimum.
 */
export function resolveHandlerLimits(limits: unknown = {}): ResolvedHandlerLimits {
  if (typeof limits !== 'object' || limits === null) throw new StowageError('STOWAGE_INVALID_CONFIG', 'options.limits must be an object');
  const resolved: Record<string, number> = { ...DEFAULT_HANDLER_LIMITS };
  for (const key of Object.keys(limits)) {
    if (!(key in MINIMUM)) throw new StowageError('STOWAGE_INVALID_CONFIG', `options.limits.${key} is not a handler limit`);
    const value: unknown = (limits as Record<string, unknown>)[key];
    if (value === undefined) continue;
    const minimum = MINIMUM[key as keyof HandlerLimits];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < minimum) {
      throw new StowageError('STOWAGE_INVALID_CONFIG', `options.limits.${key} must be an integer >= ${minimum}`);
    }
    resolved[key] = value;
  }
  return Object.freeze(resolved) as ResolvedHandlerLimits;
}
