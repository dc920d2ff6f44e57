import type {
  Backend,
  BackendEntry,
  ByteSource,
  ListOptions,
  OperationOptions,
  ReadOptions,
  ReadResult,
  WriteOptions,
} from '../backend.js';
import { abortedError } from '../abort.js';
import { releaseSource } from '../checked-source.js';
import { ForwardingBackend, type CallOperation } from '../forwarding-backend.js';
import type { Layer } from '../layer.js';
import { isStowageError, StowageError, type BackendOperation } from '../stowage-error.js';
import { sleep as defaultSleep } from './sleep.js';

/** Reported to {@link RetryOptions.onRetry} before each wait. */
export interface RetryEvent {
  readonly operation: BackendOperation;
  readonly path: string;
  /** The attempt that failed, from 1. */
  readonly attempt: number;
  /** How long the layer waits before the next attempt. */
  readonly delayMs: number;
  readonly error: StowageError;
}

/** Options of {@link retryLayer}. */
export interface RetryOptions {
  /** Attempts in all, the first included. @defaultValue 4 */
  readonly attempts?: number;
  /** The backoff before the second attempt; it doubles for each further one. @defaultValue 100 */
  readonly baseDelayMs?: number;
  /** The backoff never exceeds this. @defaultValue 5000 */
  readonly maxDelayMs?: number;
  /**
   * A `retryAfterMs` (an upstream `Retry-After`) longer than this is not waited for: the error is
   * rethrown at once, so a request never hangs for minutes. @defaultValue 30000
   */
  readonly maxRetryAfterMs?: number;
  /** The jitter source, `[0, 1)`. @defaultValue Math.random */
  readonly random?: () => number;
  /** The wait; replaceable in tests. It must reject when `signal` aborts. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Called before each wait, for logs and metrics. */
  readonly onRetry?: (event: RetryEvent) => void;
}

type Settings = Required<Omit<RetryOptions, 'onRetry'>> & { readonly onRetry: RetryOptions['onRetry'] | undefined };

function checkCount(value: number, name: string, minimum: number): number {
  if (!Number.isSafeInteger(value) || value < minimum) {
    throw new StowageError('STOWAGE_INVALID_CONFIG', `retry: ${name} must be an integer >= ${minimum}`);
  }
  return value;
}

/** Wraps a source so the layer can tell whether an attempt started consuming it. */
class TrackedSource implements AsyncIterable<Uint8Array> {
  opened = false;
  constructor(private readonly source: ByteSource) {}

  /** Forwards the release of an abandoned write to the wrapped source. */
  destroy(): void {
    releaseSource(this.source);
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    this.opened = true;
    const source = this.source;
    if (Symbol.asyncIterator in source) return source[Symbol.asyncIterator]();
    const iterator = source[Symbol.iterator]();
    return {
      next: async () => iterator.next(),
      return: async () => iterator.return?.() ?? { done: true, value: undefined },
    };
  }
}

/**
 * Retries failed operations whose error is `retryable`, with exponential backoff and full jitter
 * (`random() * min(maxDelayMs, baseDelayMs * 2^(attempt-1))`), waiting at least the error's
 * `retryAfterMs`, for at most `attempts` attempts in all.
 *
 * What is retried, and why:
 * - `stat`, `delete`, `createDir`, `copy`, `link`, `localPath`: idempotent, so always.
 * - `read`: opening only; an error in the middle of the stream reaches the consumer.
 * - `write`: only while the source has not been touched (a stream cannot be replayed) or when the
 *   source is an array, which can be iterated again.
 * - `list`: only until the first entry has been yielded.
 * - `rename`: only after `STOWAGE_BUSY` (a sharing violation proves nothing moved); after any
 *   other error the first attempt may have succeeded and a second would fail.
 * - `close`: never.
 * An aborted signal interrupts the wait.
 */
export function retryLayer(options: RetryOptions = {}): Layer {
  const settings: Settings = {
    attempts: checkCount(options.attempts ?? 4, 'attempts', 1),
    baseDelayMs: checkCount(options.baseDelayMs ?? 100, 'baseDelayMs', 0),
    maxDelayMs: checkCount(options.maxDelayMs ?? 5000, 'maxDelayMs', 0),
    maxRetryAfterMs: checkCount(options.maxRetryAfterMs ?? 30_000, 'maxRetryAfterMs', 0),
    random: options.random ?? Math.random,
    sleep: options.sleep ?? defaultSleep,
    onRetry: options.onRetry,
  };
  return (inner) => new RetryBackend(inner, settings);
}

class RetryBackend extends ForwardingBackend {
  override readonly layerName = 'retry';

  constructor(
    inner: Backend,
    private readonly settings: Settings,
  ) {
    super(inner);
  }

  override read(path: string, options?: ReadOptions): Promise<ReadResult> {
    return this.attempt('read', path, options, () => this.inner.read(path, options));
  }

  override write(path: string, source: ByteSource, options?: WriteOptions): Promise<BackendEntry> {
    if (Array.isArray(source)) {
      return this.attempt('write', path, options, () => this.inner.write(path, source, options));
    }
    const tracked = new TrackedSource(source);
    return this.attempt(
      'write',
      path,
      options,
      () => this.inner.write(path, tracked, options),
      () => !tracked.opened,
    );
  }

  override async *list(path: string, options?: ListOptions): AsyncGenerator<BackendEntry> {
    for (let attempt = 1; ; attempt++) {
      let yielded = false;
      try {
        for await (const entry of this.inner.list(path, options)) {
          yielded = true;
          yield entry;
        }
        return;
      } catch (error) {
        if (yielded) throw error;
        await this.pause('list', path, options, attempt, error);
      }
    }
  }

  protected override around<T, O extends OperationOptions>(
    operation: CallOperation,
    path: string,
    options: O | undefined,
    call: (options: O | undefined) => Promise<T>,
  ): Promise<T> {
    const mayRetry = operation === 'rename' ? (error: unknown) => isStowageError(error, 'STOWAGE_BUSY') : undefined;
    return this.attempt(operation, path, options, () => call(options), mayRetry);
  }

  private async attempt<T>(
    operation: BackendOperation,
    path: string,
    options: OperationOptions | undefined,
    call: () => Promise<T>,
    mayRetry: (error: unknown) => boolean = () => true,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        if (!mayRetry(error)) throw error;
        await this.pause(operation, path, options, attempt, error);
      }
    }
  }

  /** Waits before the next attempt, or rethrows `error` when no further attempt is due. */
  private async pause(
    operation: BackendOperation,
    path: string,
    options: OperationOptions | undefined,
    attempt: number,
    error: unknown,
  ): Promise<void> {
    const { attempts, baseDelayMs, maxDelayMs, maxRetryAfterMs, random, sleep, onRetry } = this.settings;
    if (!isStowageError(error) || !error.retryable || attempt >= attempts) throw error;
    // A retry is due, but the caller has gone: say so, rather than pass on a retryable error.
    if (options?.signal?.aborted === true) throw abortedError(options.signal, { backend: this.info.name, operation, path });
    const retryAfter = error.retryAfterMs ?? 0;
    if (retryAfter > maxRetryAfterMs) throw error;
    const backoff = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
    const delayMs = Math.max(retryAfter, Math.floor(random() * backoff));
    onRetry?.({ operation, path, attempt, delayMs, error });
    await sleep(delayMs, options?.signal);
  }
}
