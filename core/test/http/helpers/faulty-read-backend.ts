import { Readable } from 'node:stream';
import { createMemoryBackend, ForwardingBackend, StowageError, type ReadOptions, type ReadResult } from '../../../src/index.js';

/** What the next reads do: fail after some bytes, or stall after some bytes until destroyed. */
export type ReadFault = { readonly failAfter: number } | { readonly stallAfter: number };

/**
 * A memory backend whose reads can be made to break mid-stream: the bytes really come from the
 * memory backend, then the stream errors (`STOWAGE_IO`) or stops delivering. Every stream handed
 * out is kept, so tests can check it was destroyed.
 */
export class FaultyReadBackend extends ForwardingBackend {
  fault: ReadFault | undefined;
  readonly streams: Readable[] = [];

  constructor() {
    super(createMemoryBackend({ name: 'faulty' }));
  }

  override async read(path: string, options?: ReadOptions): Promise<ReadResult> {
    const result = await this.inner.read(path, options);
    const fault = this.fault;
    if (fault === undefined) return result;
    const bytes: Buffer[] = [];
    for await (const chunk of result.stream) bytes.push(Buffer.from(chunk as Uint8Array));
    const all = Buffer.concat(bytes);
    const limit = 'failAfter' in fault ? fault.failAfter : fault.stallAfter;
    let started = false;
    const stream = new Readable({
      read() {
        if (started) return;
        started = true;
        this.push(all.subarray(0, limit));
        if ('failAfter' in fault) setImmediate(() => this.destroy(new StowageError('STOWAGE_IO', 'disk gone')));
        // A stall delivers nothing more until the stream is destroyed.
      },
    });
    this.streams.push(stream);
    return { ...result, stream };
  }
}
