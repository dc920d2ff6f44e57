import type { FileHandleLike } from './file-system.js';

/** How many bytes are gathered into one positional write: 1 MiB. */
export const GATHER_BYTES = 1024 * 1024;

/**
 * How many written bytes may wait for the disk before an `fsync` is started in the background:
 * 8 MiB. The page cache then writes a large file back while it is still arriving, so the final
 * `fsync` (the one that makes the write durable) has at most this much left to flush.
 */
export const SYNC_EVERY_BYTES = 8 * 1024 * 1024;

/** Idle gather buffers kept for the next writes of the process. */
const SPARE_BUFFERS = 8;
const spare: Buffer[] = [];

function takeBuffer(size: number): Buffer {
  if (size === GATHER_BYTES) {
    const recycled = spare.pop();
    if (recycled !== undefined) return recycled;
  }
  return Buffer.allocUnsafeSlow(size);
}

function giveBuffer(buffer: Buffer): void {
  if (buffer.byteLength === GATHER_BYTES && spare.length < SPARE_BUFFERS) spare.push(buffer);
}

/**
 * Writes a stream of chunks to a new file through few system calls: chunks are copied into a
 * gather buffer and written {@link GATHER_BYTES} at a time (one `pwrite` instead of one per
 * socket chunk of ~64 KiB), one write in flight while the next buffer fills, and an `fsync` is
 * started every {@link SYNC_EVERY_BYTES} so the disk works while the bytes arrive.
 *
 * Behavior:
 * - Chunks are copied before {@link add} resolves (or written before it resolves, when one
 *   fills a whole buffer), so a source may reuse its buffers.
 * - The first failure of a write or a background `fsync` is thrown by the next call; after it
 *   nothing more is written. A failed `fsync` is never retried: the caller drops the file.
 * - {@link finish} writes what is gathered and waits for everything in flight, but does not
 *   sync: the caller's final `fsync` makes the file durable. {@link settle} waits for what is in
 *   flight without writing more (before closing after a failure).
 */
export class GatheredWriter {
  readonly #handle: FileHandleLike;
  readonly #gatherBytes: number;
  readonly #syncEvery: number;
  #buffer: Buffer | undefined;
  #filled = 0;
  /** The file position of the next byte handed to a write. */
  #position = 0;
  #unsynced = 0;
  #writing: Promise<void> | undefined;
  #syncing: Promise<void> | undefined;
  #failure: { readonly error: unknown } | undefined;

  /**
   * @param expectedSize when known, a smaller gather buffer is taken for a small file.
   */
  constructor(handle: FileHandleLike, expectedSize?: number, gatherBytes = GATHER_BYTES, syncEvery = SYNC_EVERY_BYTES) {
    this.#handle = handle;
    this.#gatherBytes = expectedSize !== undefined && expectedSize > 0 && expectedSize < gatherBytes ? expectedSize : gatherBytes;
    this.#syncEvery = syncEvery;
  }

  /** How many bytes were handed over so far. */
  get size(): number {
    return this.#position + this.#filled;
  }

  /** Gathers `chunk`; writes a buffer once it is full. */
  async add(chunk: Uint8Array): Promise<void> {
    this.#throwIfFailed();
    let offset = 0;
    if (this.#filled === 0 && chunk.byteLength >= this.#gatherBytes) {
      // A chunk as large as a buffer goes out as it is; awaited, so the caller may reuse it.
      await this.#waitForWrite();
      await this.#write(chunk);
      this.#throwIfFailed();
      return;
    }
    while (offset < chunk.byteLength) {
      this.#buffer ??= takeBuffer(this.#gatherBytes);
      const length = Math.min(chunk.byteLength - offset, this.#gatherBytes - this.#filled);
      this.#buffer.set(chunk.subarray(offset, offset + length), this.#filled);
      this.#filled += length;
      offset += length;
      if (this.#filled === this.#gatherBytes) await this.#flush();
    }
  }

  /** Writes what is gathered and waits for every write and background `fsync` in flight. */
  async finish(): Promise<void> {
    this.#throwIfFailed();
    if (this.#filled > 0) await this.#flush();
    await this.settle();
    this.#throwIfFailed();
  }

  /** Waits for the operations in flight, ignoring their failures, and frees the buffer. */
  async settle(): Promise<void> {
    await this.#writing;
    await this.#syncing;
    if (this.#buffer !== undefined) giveBuffer(this.#buffer);
    this.#buffer = undefined;
  }

  /** Starts writing the gathered buffer; at most one write is in flight. */
  async #flush(): Promise<void> {
    await this.#waitForWrite();
    const buffer = this.#buffer;
    if (buffer === undefined) return;
    const length = this.#filled;
    this.#buffer = undefined;
    this.#filled = 0;
    this.#writing = this.#write(buffer.subarray(0, length)).finally(() => giveBuffer(buffer));
  }

  async #waitForWrite(): Promise<void> {
    await this.#writing;
    this.#writing = undefined;
    this.#throwIfFailed();
  }

  /** Writes `bytes` fully at the next position; records a failure instead of rejecting. */
  async #write(bytes: Uint8Array): Promise<void> {
    const position = this.#position;
    this.#position += bytes.byteLength;
    try {
      let written = 0;
      while (written < bytes.byteLength) {
        const { bytesWritten } = await this.#handle.write(bytes, written, bytes.byteLength - written, position + written);
        written += bytesWritten;
      }
    } catch (error) {
      this.#failure ??= { error };
      return;
    }
    this.#unsynced += bytes.byteLength;
    if (this.#unsynced >= this.#syncEvery) await this.#startSync();
  }

  async #startSync(): Promise<void> {
    // One background fsync at a time; a later one covers everything the earlier one missed.
    if (this.#syncing !== undefined) return;
    this.#unsynced = 0;
    this.#syncing = this.#handle.sync().then(
      () => {
        this.#syncing = undefined;
      },
      (error: unknown) => {
        this.#failure ??= { error };
        this.#syncing = undefined;
      },
    );
  }

  #throwIfFailed(): void {
    if (this.#failure !== undefined) throw this.#failure.error;
  }
}
