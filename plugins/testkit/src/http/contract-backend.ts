import { finished, pipeline, Transform, type Readable } from 'node:stream';
import { createMemoryBackend, ForwardingBackend, StowageError, type ReadOptions, type ReadResult } from '@stowage/core';

/** What the contract backend's next reads do after `bytes` bytes: fail with `STOWAGE_IO`, or stop delivering. */
export type ContractReadFault = { readonly failAfter: number } | { readonly stallAfter: number };

/**
 * The HTTP contract's store: a memory backend that counts the read streams still open (so a
 * case can prove a download released its read) and can break reads mid-stream on demand.
 */
export class ContractBackend extends ForwardingBackend {
  override readonly layerName = 'http-contract';
  /** Applied to every read while set. */
  fault: ContractReadFault | undefined;
  private open = 0;

  constructor() {
    super(createMemoryBackend({ name: 'contract' }));
  }

  /** Read streams handed out and not yet ended, failed or destroyed. */
  get openReads(): number {
    return this.open;
  }

  override async read(path: string, options?: ReadOptions): Promise<ReadResult> {
    const result = await this.inner.read(path, options);
    const stream = this.fault === undefined ? result.stream : broken(result.stream, this.fault);
    this.open += 1;
    finished(stream, () => {
      this.open -= 1;
    });
    return { ...result, stream };
  }
}

function broken(source: Readable, fault: ContractReadFault): Readable {
  const limit = 'failAfter' in fault ? fault.failAfter : fault.stallAfter;
  let passed = 0;
  const output = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      const room = limit - passed;
      if (room > 0) this.push(chunk.subarray(0, room));
      passed += Math.min(Math.max(room, 0), chunk.length);
      if (passed < limit) {
        callback();
        return;
      }
      // A failure errors the stream; a stall never calls back, so nothing more flows until destroyed.
      if ('failAfter' in fault) setImmediate(() => callback(new StowageError('STOWAGE_IO', 'injected read failure')));
    },
  });
  pipeline(source, output, () => undefined);
  return output;
}
