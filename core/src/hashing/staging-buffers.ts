/**
 * Recycled buffers for the bytes posted to hash workers.
 *
 * A session in `worker` mode copies the caller's chunks into one of these and transfers it to
 * its worker, which transfers it back once hashed. Reusing them matters: a fresh buffer per
 * message costs an allocation and, for large ones, page faults on first write, which measured
 * slower than the copy itself.
 */
export class StagingBuffers {
  /** The size of every buffer. */
  readonly size: number;
  readonly #maxSpare: number;
  readonly #spare: ArrayBuffer[] = [];

  /** Keeps at most `maxSpare` idle buffers of `size` bytes; more are left to the garbage collector. */
  constructor(size: number, maxSpare: number) {
    this.size = size;
    this.#maxSpare = maxSpare;
  }

  /** A buffer of {@link size} bytes, recycled when one is idle. */
  take(): Uint8Array {
    return new Uint8Array(this.#spare.pop() ?? new ArrayBuffer(this.size));
  }

  /** Gives a buffer back (one that came back from a worker); a foreign size is dropped. */
  give(buffer: ArrayBuffer): void {
    if (buffer.byteLength === this.size && this.#spare.length < this.#maxSpare) this.#spare.push(buffer);
  }
}
