import type { BackendEntry, ByteSource, DeleteOptions, ListOptions, OperationOptions, ReadOptions, ReadResult, WriteOptions } from '../../../src/backend.js';
import { ForwardingBackend } from '../../../src/forwarding-backend.js';
import { createMemoryBackend } from '../../../src/memory-backend.js';
import { StowageError } from '../../../src/stowage-error.js';

/** A memory backend that counts every operation that reaches it. */
export class CountingBackend extends ForwardingBackend {
  calls = 0;

  constructor() {
    super(createMemoryBackend());
  }

  override stat(path: string, options?: OperationOptions): Promise<BackendEntry> {
    this.calls += 1;
    return super.stat(path, options);
  }

  override read(path: string, options?: ReadOptions): Promise<ReadResult> {
    this.calls += 1;
    return super.read(path, options);
  }

  override write(path: string, source: ByteSource, options?: WriteOptions): Promise<BackendEntry> {
    this.calls += 1;
    return super.write(path, source, options);
  }

  override list(path: string, options?: ListOptions): AsyncIterable<BackendEntry> {
    this.calls += 1;
    return super.list(path, options);
  }

  override delete(path: string, options?: DeleteOptions): Promise<void> {
    this.calls += 1;
    return super.delete(path, options);
  }

  override createDir(path: string, options?: OperationOptions): Promise<void> {
    this.calls += 1;
    return super.createDir(path, options);
  }
}

/** Which operation to fail, on paths matching `path`, from the `after`-th matching call on. */
export interface FaultRule {
  readonly operation: 'write' | 'rename' | 'read' | 'list' | 'stat' | 'createDir';
  readonly path: RegExp;
  /** Matching calls that succeed before the failures start. @defaultValue 0 */
  readonly after?: number;
  /** How many failures, then calls succeed again. @defaultValue Infinity */
  readonly times?: number;
}

/**
 * A memory backend that fails chosen operations with `STOWAGE_IO` (a disk error), to drive the
 * rollback paths. `rename` is present (the memory backend has it).
 */
export class FaultyBackend extends ForwardingBackend {
  readonly failures: string[] = [];
  private readonly seen = new Map<FaultRule, number>();

  constructor(private readonly rules: readonly FaultRule[]) {
    super(createMemoryBackend());
  }

  private check(operation: FaultRule['operation'], path: string): void {
    for (const rule of this.rules) {
      if (rule.operation !== operation || !rule.path.test(path)) continue;
      const count = (this.seen.get(rule) ?? 0) + 1;
      this.seen.set(rule, count);
      const after = rule.after ?? 0;
      if (count > after && count <= after + (rule.times ?? Number.POSITIVE_INFINITY)) {
        this.failures.push(`${operation} ${path}`);
        throw new StowageError('STOWAGE_IO', `injected ${operation} failure`);
      }
    }
  }

  override async stat(path: string, options?: OperationOptions): Promise<BackendEntry> {
    this.check('stat', path);
    return super.stat(path, options);
  }

  override async read(path: string, options?: ReadOptions): Promise<ReadResult> {
    this.check('read', path);
    return super.read(path, options);
  }

  override async write(path: string, source: ByteSource, options?: WriteOptions): Promise<BackendEntry> {
    this.check('write', path);
    return super.write(path, source, options);
  }

  override list(path: string, options?: ListOptions): AsyncIterable<BackendEntry> {
    this.check('list', path);
    return super.list(path, options);
  }

  override async createDir(path: string, options?: OperationOptions): Promise<void> {
    this.check('createDir', path);
    return super.createDir(path, options);
  }

  override async rename(from: string, to: string, options?: OperationOptions): Promise<BackendEntry> {
    this.check('rename', `${from} -> ${to}`);
    return (this.inner.rename as NonNullable<typeof this.inner.rename>).call(this.inner, from, to, options);
  }
}

/** A memory backend that tells when a write to a matching path starts. */
export class WatchedBackend extends ForwardingBackend {
  private readonly waiters: { pattern: RegExp; resolve: (path: string) => void }[] = [];

  constructor() {
    super(createMemoryBackend());
  }

  /** Resolves with the path of the next write that starts on a path matching `pattern`. */
  writeStarts(pattern: RegExp): Promise<string> {
    return new Promise((resolve) => this.waiters.push({ pattern, resolve }));
  }

  override write(path: string, source: ByteSource, options?: WriteOptions): Promise<BackendEntry> {
    const result = super.write(path, source, options);
    for (const waiter of this.waiters.filter((candidate) => candidate.pattern.test(path))) {
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve(path);
    }
    return result;
  }
}

/**
 * A memory backend whose `stat` reports only what `keep` lists (`etag`, `modifiedAt`), and which
 * runs `beforeRead` before every read (to change a file between a stat and a read).
 */
export class ShapedBackend extends ForwardingBackend {
  beforeRead: (() => Promise<void>) | undefined;

  constructor(
    private readonly keep: readonly ('etag' | 'modifiedAt')[],
    private readonly etagOf: (entry: BackendEntry) => string = (entry) => `v${entry.size}`,
  ) {
    super(createMemoryBackend());
  }

  override async stat(path: string, options?: OperationOptions): Promise<BackendEntry> {
    const { etag: _etag, modifiedAt, ...rest } = await super.stat(path, options);
    return {
      ...rest,
      ...(this.keep.includes('etag') ? { etag: this.etagOf({ ...rest }) } : {}),
      ...(this.keep.includes('modifiedAt') && modifiedAt !== undefined ? { modifiedAt } : {}),
    };
  }

  override async read(path: string, options?: ReadOptions): Promise<ReadResult> {
    await this.beforeRead?.();
    return super.read(path, options);
  }
}
