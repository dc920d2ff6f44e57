import type { Backend, BackendEntry, ByteSource, WriteOptions } from '../../../src/backend.js';
import { ForwardingBackend } from '../../../src/forwarding-backend.js';

/**
 * A backend whose `atWrite`-th write is interrupted after its first chunk: `interrupt` runs then
 * (to abort a signal, say) and, when it answers an error, the write's source throws it (a disk
 * filling up mid-file). Every other call reaches `inner` unchanged.
 */
export class InterruptingBackend extends ForwardingBackend {
  writes = 0;

  constructor(
    inner: Backend,
    private readonly atWrite: number,
    private readonly interrupt: () => Error | undefined,
  ) {
    super(inner);
  }

  override write(path: string, source: ByteSource, options?: WriteOptions): Promise<BackendEntry> {
    this.writes++;
    if (this.writes !== this.atWrite) return this.inner.write(path, source, options);
    const interrupt = this.interrupt;
    async function* interrupted(): AsyncGenerator<Uint8Array> {
      let first = true;
      for await (const chunk of source) {
        yield chunk;
        if (first) {
          first = false;
          const error = interrupt();
          if (error !== undefined) throw error;
        }
      }
    }
    return this.inner.write(path, interrupted(), options);
  }
}
