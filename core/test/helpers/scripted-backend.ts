import {
  createMemoryBackend,
  defineCapabilities,
  type Backend,
  type BackendInfo,
  type Capabilities,
  type BackendEntry,
  type BackendOperation,
  type ByteSource,
  type DeleteOptions,
  type LinkOptions,
  type ListOptions,
  type OperationOptions,
  type ReadOptions,
  type ReadResult,
  type WriteOptions,
} from '../../src/index.js';

/** What a scripted call does before (or instead of) reaching the memory backend. */
export type Script = { readonly fail: unknown } | { readonly hang: true } | { readonly delayMs: number };

/**
 * A memory backend whose operations can be told to fail, hang or wait, one call at a time, and
 * which records every call and the signals it received: for testing layers.
 */
export class ScriptedBackend implements Backend {
  readonly calls: BackendOperation[] = [];
  readonly signals: Array<AbortSignal | undefined> = [];
  readonly info: BackendInfo;
  readonly capabilities: Capabilities;
  private readonly scripts = new Map<BackendOperation, Script[]>();

  constructor(readonly inner: Backend = createMemoryBackend({ name: 'scripted' })) {
    this.info = inner.info;
    this.capabilities = defineCapabilities({ ...inner.capabilities, link: true, localPath: true });
  }

  /** Queues `scripts` for the next calls of `operation`. */
  script(operation: BackendOperation, ...scripts: Script[]): this {
    this.scripts.set(operation, [...(this.scripts.get(operation) ?? []), ...scripts]);
    return this;
  }

  count(operation: BackendOperation): number {
    return this.calls.filter((call) => call === operation).length;
  }

  private async enter(operation: BackendOperation, options?: OperationOptions): Promise<void> {
    this.calls.push(operation);
    this.signals.push(options?.signal);
    const script = this.scripts.get(operation)?.shift();
    if (script === undefined) return;
    if ('fail' in script) throw script.fail;
    if ('hang' in script) await new Promise(() => undefined);
    else await new Promise((resolve) => setTimeout(resolve, script.delayMs));
  }

  async stat(path: string, options?: OperationOptions): Promise<BackendEntry> {
    await this.enter('stat', options);
    return this.inner.stat(path, options);
  }

  async read(path: string, options?: ReadOptions): Promise<ReadResult> {
    await this.enter('read', options);
    return this.inner.read(path, options);
  }

  async write(path: string, source: ByteSource, options?: WriteOptions): Promise<BackendEntry> {
    await this.enter('write', options);
    return this.inner.write(path, source, options);
  }

  async *list(path: string, options?: ListOptions): AsyncGenerator<BackendEntry> {
    await this.enter('list', options);
    yield* this.inner.list(path, options);
  }

  async delete(path: string, options?: DeleteOptions): Promise<void> {
    await this.enter('delete', options);
    return this.inner.delete(path, options);
  }

  async createDir(path: string, options?: OperationOptions): Promise<void> {
    await this.enter('createDir', options);
    return this.inner.createDir(path, options);
  }

  async copy(from: string, to: string, options?: OperationOptions): Promise<BackendEntry> {
    await this.enter('copy', options);
    return this.inner.copy!(from, to, options);
  }

  async rename(from: string, to: string, options?: OperationOptions): Promise<BackendEntry> {
    await this.enter('rename', options);
    return this.inner.rename!(from, to, options);
  }

  async link(path: string, options?: LinkOptions): Promise<URL> {
    await this.enter('link', options);
    return new URL(`https://example.test/${encodeURIComponent(path)}`);
  }

  async localPath(path: string, options?: OperationOptions): Promise<string> {
    await this.enter('localPath', options);
    return `/srv/${path}`;
  }
}
