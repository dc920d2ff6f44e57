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

/** The operations that are one call with one result: neither a byte stream nor a listing. */
export type CallOperation = 'stat' | 'delete' | 'createDir' | 'copy' | 'rename' | 'link' | 'localPath';

/**
 * The base of every layer: a {@link Backend} that forwards each operation to `inner`
 * unchanged, so a layer overrides only the operations it changes (Flysystem's
 * `DecoratedAdapter`, OpenDAL's layers).
 *
 * Optional operations stay optional: when `inner` lacks one, the instance hides the method
 * (it reads as `undefined`), so `capabilities` and the methods keep agreeing however many
 * layers are stacked, and an overriding subclass never invents an operation by accident. A
 * layer that does add one (say, signed links over a store without them) defines it on the
 * instance and sets its capability.
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
        Object.defineProperty(this, operation, { value: undefined, enumerable: false, configurable: true });
      }
    }
  }

  stat(path: string, options?: OperationOptions): Promise<BackendEntry> {
    return this.around('stat', path, options, (forwarded) => this.inner.stat(path, forwarded));
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
    return this.around('delete', path, options, (forwarded) => this.inner.delete(path, forwarded));
  }

  createDir(path: string, options?: OperationOptions): Promise<void> {
    return this.around('createDir', path, options, (forwarded) => this.inner.createDir(path, forwarded));
  }

  copy?(from: string, to: string, options?: OperationOptions): Promise<BackendEntry> {
    return this.around('copy', from, options, (forwarded) => this.inner.copy!(from, to, forwarded));
  }

  rename?(from: string, to: string, options?: OperationOptions): Promise<BackendEntry> {
    return this.around('rename', from, options, (forwarded) => this.inner.rename!(from, to, forwarded));
  }

  link?(path: string, options?: LinkOptions): Promise<URL> {
    return this.around('link', path, options, (forwarded) => this.inner.link!(path, forwarded));
  }

  localPath?(path: string, options?: OperationOptions): Promise<string> {
    return this.around('localPath', path, options, (forwarded) => this.inner.localPath!(path, forwarded));
  }

  close?(): Promise<void> {
    return this.inner.close!();
  }

  /**
   * Every {@link CallOperation} passes through here on its way to the inner backend, so a layer
   * that treats them alike (retry, timeout, limits) overrides this one method and only the
   * streaming operations besides. `call` runs the operation on the inner backend with the
   * options it is given; `path` is the operation's path (the source of a copy or rename).
   */
  protected around<T, O extends OperationOptions>(
    operation: CallOperation,
    path: string,
    options: O | undefined,
    call: (options: O | undefined) => Promise<T>,
  ): Promise<T> {
    return call(options);
  }
}
