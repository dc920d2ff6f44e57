import type { Readable } from 'node:stream';
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
import { raceAbort } from '../abort.js';
import { releaseSource } from '../checked-source.js';
import { ForwardingBackend, type CallOperation } from '../forwarding-backend.js';
import { IdleWatchReadable } from '../idle-watch-readable.js';
import type { Layer } from '../layer.js';
import { StowageError, type BackendOperation, type ErrorContext } from '../stowage-error.js';

/** Options of {@link timeoutLayer}. */
export interface TimeoutOptions {
  /**
   * The deadline, in milliseconds, of every operation that is not a byte stream, of opening a
   * read, of one step of a listing, and of a write's commit once its source has ended.
   */
  readonly ms: number;
  /**
   * The longest pause between two chunks of a read stream or of a write. A write that is
   * making progress is never cut off, however long the upload. @defaultValue `ms`
   */
  readonly idleMs?: number;
}

/**
 * A deadline that aborts a signal handed to the inner backend. The caller's own signal is
 * linked in by hand (not with `AbortSignal.any`), and unlinked when the deadline is disposed,
 * so a long-lived caller signal does not collect listeners.
 */
class Deadline {
  readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private disposed = false;
  private readonly unlink: () => void;

  constructor(
    private readonly context: ErrorContext,
    callerSignal: AbortSignal | undefined,
  ) {
    const forward = (): void => this.controller.abort(callerSignal?.reason);
    if (callerSignal?.aborted === true) forward();
    callerSignal?.addEventListener('abort', forward, { once: true });
    this.unlink = () => callerSignal?.removeEventListener('abort', forward);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /**
   * (Re)starts the countdown; when it runs out the signal aborts with `STOWAGE_TIMEOUT`. Does
   * nothing once disposed: a source still winding down after its write was settled must not
   * start a timer that outlives the operation.
   */
  arm(ms: number, what: string): void {
    if (this.disposed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.controller.abort(
        new StowageError('STOWAGE_TIMEOUT', `${what} did not finish within ${ms} ms`, { context: this.context }),
      );
    }, ms);
  }

  disarm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  dispose(): void {
    this.disposed = true;
    this.disarm();
    this.unlink();
  }
}

/**
 * A write source seen through the deadline: each chunk restarts the idle countdown, the end of
 * the source starts the commit countdown, and `destroy()` reaches the source underneath.
 */
class WatchedSource implements AsyncIterable<Uint8Array> {
  constructor(
    private readonly source: ByteSource,
    private readonly deadline: Deadline,
    private readonly idleMs: number,
    private readonly commitMs: number,
  ) {}

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    this.deadline.arm(this.idleMs, 'write (idle)');
    for await (const chunk of this.source) {
      yield chunk;
      this.deadline.arm(this.idleMs, 'write (idle)');
    }
    this.deadline.arm(this.commitMs, 'write');
  }

  destroy(): void {
    releaseSource(this.source);
  }
}

function checkMs(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new StowageError('STOWAGE_INVALID_CONFIG', `timeout: ${name} must be an integer >= 1`);
  }
  return value;
}

/**
 * Bounds how long operations may take, and rejects them with `STOWAGE_TIMEOUT` (retryable, 504)
 * when they overrun.
 *
 * The inner backend receives a signal that aborts at the deadline and should stop at once; the
 * layer does not rely on it, and rejects on time even if the inner operation ignores the
 * signal. A read stream that opens after its deadline is destroyed, so nothing leaks. A write
 * that times out while committing may still land (the inner backend may be past the point of no
 * return): treat `STOWAGE_TIMEOUT` from `write` as "outcome unknown" and read back if it matters. A read
 * stream is re-emitted by an {@link IdleWatchReadable}, which counts only the time the consumer
 * waits for data, so a slow client is never mistaken for a stalled backend.
 */
export function timeoutLayer(options: TimeoutOptions): Layer {
  const ms = checkMs(options.ms, 'ms');
  const idleMs = checkMs(options.idleMs ?? ms, 'idleMs');
  return (inner) => new TimeoutBackend(inner, ms, idleMs);
}

class TimeoutBackend extends ForwardingBackend {
  override readonly layerName = 'timeout';

  constructor(
    inner: Backend,
    private readonly ms: number,
    private readonly idleMs: number,
  ) {
    super(inner);
  }

  override async read(path: string, options?: ReadOptions): Promise<ReadResult> {
    const context = this.contextOf('read', path);
    const deadline = new Deadline(context, options?.signal);
    deadline.arm(this.ms, 'read');
    const pending = this.inner.read(path, { ...options, signal: deadline.signal });
    let result: ReadResult;
    try {
      result = await raceAbort(pending, deadline.signal, context);
    } catch (error) {
      deadline.dispose();
      pending.then((late) => late.stream.destroy(), () => undefined);
      throw error;
    }
    // The stream keeps the caller's signal (still linked) for its lifetime; only the timer stops.
    deadline.disarm();
    result.stream.once('close', () => deadline.dispose());
    return { ...result, stream: this.watchIdle(result.stream, context) };
  }

  override async write(path: string, source: ByteSource, options?: WriteOptions): Promise<BackendEntry> {
    const context = this.contextOf('write', path);
    const deadline = new Deadline(context, options?.signal);
    const watched = new WatchedSource(source, deadline, this.idleMs, this.ms);
    try {
      deadline.arm(this.idleMs, 'write (idle)');
      const pending = this.inner.write(path, watched, { ...options, signal: deadline.signal });
      return await raceAbort(pending, deadline.signal, context);
    } finally {
      deadline.dispose();
    }
  }

  override async *list(path: string, options?: ListOptions): AsyncGenerator<BackendEntry> {
    const context = this.contextOf('list', path);
    const deadline = new Deadline(context, options?.signal);
    const iterator = this.inner.list(path, { ...options, signal: deadline.signal })[Symbol.asyncIterator]();
    let done = false;
    try {
      for (;;) {
        deadline.arm(this.ms, 'list step');
        const step = await raceAbort(iterator.next(), deadline.signal, context);
        deadline.disarm();
        if (step.done === true) {
          done = true;
          return;
        }
        yield step.value;
      }
    } finally {
      deadline.dispose();
      if (!done) iterator.return?.().catch(() => undefined);
    }
  }

  protected override around<T, O extends OperationOptions>(
    operation: CallOperation,
    path: string,
    options: O | undefined,
    call: (options: O | undefined) => Promise<T>,
  ): Promise<T> {
    return this.bounded(operation, path, options, (signal) => call({ ...options, signal } as O));
  }

  override close(): Promise<void> {
    return this.bounded('close', '', undefined, () => this.inner.close!());
  }

  private contextOf(operation: BackendOperation, path: string): ErrorContext {
    return { backend: this.info.name, operation, path };
  }

  private async bounded<T>(
    operation: BackendOperation,
    path: string,
    options: OperationOptions | undefined,
    call: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const context = this.contextOf(operation, path);
    const deadline = new Deadline(context, options?.signal);
    deadline.arm(this.ms, operation);
    try {
      return await raceAbort(call(deadline.signal), deadline.signal, context);
    } finally {
      deadline.dispose();
    }
  }

  private watchIdle(stream: Readable, context: ErrorContext): Readable {
    const idleMs = this.idleMs;
    return new IdleWatchReadable(
      stream,
      idleMs,
      () => new StowageError('STOWAGE_TIMEOUT', `read stream was idle for ${idleMs} ms`, { context }),
    );
  }
}
