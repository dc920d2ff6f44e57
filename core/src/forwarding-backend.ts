import type {
  Backend,
  BackendEntry,
  BackendInfo,
  ByteSource,
  DeleteOptions,
  LinkOptions,
  ListOptions,
  OperationOptions,
  ReadOptions,
  ReadResult,
  WriteOptions,
} from './backend.js';
import { OPTIONAL_OPERATIONS, type Capabilities } from './capabilities.js';

/**
 * The base of every layer: a {@link Backend} that forwards each operation to `inner`
 * unchanged, so a layer overrides only the operations it changes (Flysystem's
 * `DecoratedAdapter`, OpenDAL's layers).
 *
 * Optional operations stay optional: when `inner` lacks one, the instance hides the method
 * (it reads as `undefined`), so `capabilities` and the methods keep agreeing however many
 * layers are stacked, and an overriding subclass never invents an operation.
 */
export class ForwardingBackend implements Backend {
  /** The name this layer shows in {@link describeLayers}. */
  readonly layerName: string = 'forward';
  readonly info: BackendInfo;
  readonly capabilities: Capabilities;

  constructor(readonly inner: Backend) {
    this.info = inner.info;
    this.capabilities = inner.capabilities;
    for (const operation of OPTIONAL_OPERATIONS) {
      if (typeof inner[operation] !== 'function') {
        Object.defineProperty(this, operation, { value: undefined, enumerable: false });
      }
    }
  }

  stat(path: string, options?: OperationOptions): Promise<BackendEntry> {
    return this.inner.stat(path, options);
  }

  read(path: string, options?: ReadOptions): Promise<ReadResult> {
    return this.inner.read(path, options);
  }

  write(path: string, source: ByteSource, options?: WriteOptions): Promise<BackendEntry> {
    return this.inner.write(path, source, options);
  }

  list(path: string, options?: ListOptions): AsyncIterable<BackendEntry> {
    return this.inner.list(path, options);
  }

  delete(path: string, options?: DeleteOptions): Promise<void> {
    return this.inner.delete(path, options);
  }

  createDir(path: string, options?: OperationOptions): Promise<void> {
    return this.inner.createDir(path, options);
  }

  copy?(from: string, to: string, options?: OperationOptions): Promise<BackendEntry> {
    return this.inner.copy!(from, to, options);
  }

  rename?(from: string, to: string, options?: OperationOptions): Promise<BackendEntry> {
    return this.inner.rename!(from, to, options);
  }

  link?(path: string, options?: LinkOptions): Promise<URL> {
    return this.inner.link!(path, options);
  }

  localPath?(path: string, options?: OperationOptions): Promise<string> {
    return this.inner.localPath!(path, options);
  }

  close?(): Promise<void> {
    return this.inner.close!();
  }
}
