import { Readable } from 'node:stream';
import { chunkSizeFor, StowageError, type ErrorContext } from '@stowage/core';
import { mapFsError } from './errors.js';
import type { FileHandleLike } from './file-system.js';

/**
 * Streams exactly `length` bytes from `offset` of an open file with positional reads, then
 * closes the file. A file that turns out shorter than promised fails the stream with
 * `STOWAGE_IO` instead of ending it early, so a consumer never takes a short body for a whole
 * one. Destroying the stream closes the descriptor (after any read in flight).
 */
export class FileRangeReadable extends Readable {
  private position: number;
  private remaining: number;
  private readonly chunkSize: number;

  constructor(
    private readonly handle: FileHandleLike,
    offset: number,
    length: number,
    private readonly context: ErrorContext,
  ) {
    const chunkSize = chunkSizeFor(length);
    super({ highWaterMark: chunkSize });
    this.chunkSize = chunkSize;
    this.position = offset;
    this.remaining = length;
  }

  override _read(): void {
    if (this.remaining === 0) {
      this.push(null);
      return;
    }
    const size = Math.min(this.chunkSize, this.remaining);
    const buffer = Buffer.allocUnsafe(size);
    this.handle.read(buffer, 0, size, this.position).then(
      ({ bytesRead }) => {
        if (this.destroyed) return;
        if (bytesRead === 0) {
          this.destroy(new StowageError('STOWAGE_IO', 'The file is shorter than its size', { context: this.context }));
          return;
        }
        this.position += bytesRead;
        this.remaining -= bytesRead;
        this.push(bytesRead === size ? buffer : buffer.subarray(0, bytesRead));
      },
      (error: unknown) => {
        this.destroy(mapFsError(error, this.context));
      },
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.handle.close().then(
      () => callback(error),
      (closeError: unknown) => callback(error ?? mapFsError(closeError, this.context)),
    );
  }
}
