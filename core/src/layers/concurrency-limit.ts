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
import { ForwardingBackend, type CallOperation } from '../forwarding-backend.js';
import type { Layer } from '../layer.js';
import { Semaphore } from '../semaphore.js';
import { StowageError, type BackendOperation, type ErrorContext } from '../stowage-error.js';

/** Options of {@link concurrencyLimitLayer}. */
export interface ConcurrencyLimitOptions {
  /** Operations in progress at once. */
  readonly max: number;
  /**
   * Operations allowed to wait for a turn; one more is refused at once with `STOWAGE_BUSY`
   * (503 with `Retry-After`), which keeps a burst from queueing without bound.
   * @defaultValue unbounded
   */
  readonly maxQueue?: number;
  /** The `retryAfterMs` of that `STOWAGE_BUSY`. @defaultValue 1000 */
  readonly retryAfterMs?: number;
}

/**
 * Runs at most `max` operations at a time; the others wait in FIFO order.
 *
 * A read holds its turn until its stream closes (that is when its file handle or connection is
 * released); a listing takes a turn for each step; every other operation for its whole call.
 * Consumers that open several read streams at once need `max` to allow for them.
 */
export function concurrencyLimitLayer(options: ConcurrencyLimitOptions): Layer {
  const { max, maxQueue = Number.POSITIVE_INFINITY, retryAfterMs = 1000 } = options;
  if (!Number.isSafeInteger(max) || max < 1) {
    throw new StowageError('STOWAGE_INVALID_CONFIG', 'concurrencyLimit: max must be an integer >= 1');
  }
  if (maxQueue !== Number.POSITIVE_INFINITY && (!Number.isSafeInteger(maxQueue) || maxQueue < 0)) {
    throw new StowageError('STOWAGE_INVALID_CONFIG', 'concurrencyLimit: maxQueue must be an integer >= 0');
  }
  if (!Number.isSafeInteger(retryAfterMs) || retryAfterMs < 0) {
    throw new StowageError('STOWAGE_INVALID_CONFIG', 'concurrencyLimit: retryAfterMs must be an integer >= 0');
  }
  return (inner) => new ConcurrencyLimitBackend(inner, new Semaphore(max, maxQueue, retryAfterMs));
}

class ConcurrencyLimitBackend extends ForwardingBackend {
  override readonly layerName = 'concurrencyLimit';

  constructor(
    inner: Backend,
    private readonly semaphore: Semaphore,
  ) {
    super(inner);
  }

  override async read(path: string, options?: ReadOptions): Promise<ReadResult> {
    const release = await this.semaphore.acquire(options?.signal, this.contextOf('read', path));
    try {
      const result = await this.inner.read(path, options);
      result.stream.once('close', release);
      return result;
    } catch (error) {
      release();
      throw error;
    }
  }

  override write(path: string, source: ByteSource, options?: WriteOptions): Promise<BackendEntry> {
    return this.limited('write', path, options, () => this.inner.write(path, source, options));
  }

  override async *list(path: string, options?: ListOptions): AsyncGenerator<BackendEntry> {
    const iterator = this.inner.list(path, options)[Symbol.asyncIterator]();
    let done = false;
    try {
      for (;;) {
        const step = await this.limited('list', path, options, () => iterator.next());
        if (step.done === true) {
          done = true;
          return;
        }
        yield step.value;
      }
    } finally {
      if (!done) await iterator.return?.();
    }
  }

  protected override around<T, O extends OperationOptions>(
    operation: CallOperation,
    path: string,
    options: O | undefined,
    call: (options: O | undefined) => Promise<T>,
  ): Promise<T> {
    return this.limited(operation, path, options, () => call(options));
  }

  private contextOf(operation: BackendOperation, path: string): ErrorContext {
    return { backend: this.info.name, operation, path };
  }

  private async limited<T>(
    operation: BackendOperation,
    path: string,
    options: OperationOptions | undefined,
    call: () => Promise<T>,
  ): Promise<T> {
    const release = await this.semaphore.acquire(options?.signal, this.contextOf(operation, path));
    try {
      return await call();
    } finally {
      release();
    }
  }
}
