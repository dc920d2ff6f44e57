import { Readable } from 'node:stream';

/**
 * The method a body stream may offer to learn that its consumer is done with a chunk it
 * emitted: the chunk's bytes have been handed to the kernel (a socket write completed) and no
 * reference to them is kept. A stream that recycles its read buffers offers it; the node:http
 * sender calls it, once per chunk, from each write's callback (never for a failed write).
 * Registered with `Symbol.for`, so a plugin can offer it without importing this module.
 */
export const CHUNK_WRITTEN: unique symbol = Symbol.for('@stowage/core.chunk-written');

/** A stream offering {@link CHUNK_WRITTEN}. */
export interface ChunkRecycler {
  /** Called with a chunk exactly as the stream emitted it, once the consumer is done with it. */
  [CHUNK_WRITTEN](chunk: Uint8Array): void;
}

/** The {@link CHUNK_WRITTEN} method of `stream`, bound, when it offers one. */
export function chunkRecyclerOf(stream: object): ((chunk: Uint8Array) => void) | undefined {
  const method = (stream as Partial<ChunkRecycler>)[CHUNK_WRITTEN];
  return typeof method === 'function' ? method.bind(stream) : undefined;
}

const MIN_CHUNK = 64 * 1024;
const MAX_CHUNK = 1024 * 1024;

/**
 * The chunk size used to stream `length` bytes: the smallest power of two that holds them all,
 * between 64 KiB and 1 MiB, so a body up to 1 MiB is read and written in one go (each read and
 * each socket write has a fixed cost) and a larger one in 1 MiB chunks.
 */
export function chunkSizeFor(length: number): number {
  if (!(length > MIN_CHUNK)) return MIN_CHUNK;
  if (length >= MAX_CHUNK) return MAX_CHUNK;
  return 2 ** Math.ceil(Math.log2(length));
}

/** A `Readable` over one in-memory buffer, emitted in chunks of {@link chunkSizeFor} bytes. */
export function readableFromBuffer(bytes: Uint8Array): Readable {
  const chunkSize = chunkSizeFor(bytes.byteLength);
  let position = 0;
  return new Readable({
    highWaterMark: chunkSize,
    read() {
      if (position >= bytes.byteLength) {
        this.push(null);
        return;
      }
      const end = Math.min(bytes.byteLength, position + chunkSize);
      const chunk = Buffer.from(bytes.buffer, bytes.byteOffset + position, end - position);
      position = end;
      this.push(chunk);
    },
  });
}
