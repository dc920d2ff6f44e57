import { read as readDescriptor } from 'node:fs';
import { Readable } from 'node:stream';
import { chunkSizeFor, StowageError, type ErrorContext } from '@stowage/core';
import { mapFsError } from './errors.js';
import type { FileHandleLike } from './file-system.js';
import { readAheadBudget, readBufferPool } from './read-buffers.js';

/**
 * `CHUNK_WRITTEN` of `@stowage/core` (a registered symbol, the same value in every module): the
 * node:http sender calls it once a chunk's socket write completed.
 */
const CHUNK_WRITTEN = Symbol.for('@stowage/core.chunk-written');

type ReadCallback = (error: unknown, bytesRead: number) => void;

/**
 * Streams exactly `length` bytes from `offset` of an open file with positional reads, then
 * closes the file. A file that turns out shorter than promised fails the stream with
 * `STOWAGE_IO` instead of ending it early, so a consumer never takes a short body for a whole
 * one. Destroying the stream closes the descriptor (after any read in flight).
 *
 * Reads go through the callback `fs.read` on the descriptor when the handle exposes one (`fd`),
 * else through `handle.read`. Chunks come from a process-wide pool of read buffers and a
 * process-wide read-ahead budget picks their size ({@link chunkSizeFor} of the length, smaller
 * while many streams are open); about one chunk is read ahead. A consumer that calls the stream's
 * `CHUNK_WRITTEN` method with a chunk once done with it (the node:http sender does, from the
 * socket write's callback) hands that chunk's buffer back for reuse; chunks never handed back
 * are simply left to the garbage collector.
 */
export class FileRangeReadable extends Readable {
  private position: number;
  private remaining: number;
  private readonly preferredChunk: number;
  private readonly fd: number | undefined;
  private readonly leave: () => void;
  /** Pooled buffers emitted and not yet handed back, by their memory, with the length emitted. */
  private readonly lent = new Map<ArrayBufferLike, { buffer: Buffer; length: number }>();
  private reading = false;
  private closeWhenIdle: (() => void) | undefined;

  constructor(
    private readonly handle: FileHandleLike,
    offset: number,
    length: number,
    private readonly context: ErrorContext,
  ) {
    const preferredChunk = chunkSizeFor(length);
    // About one chunk read ahead, at the size the budget gives it now.
    super({ highWaterMark: readAheadBudget.chunkSize(preferredChunk) });
    this.preferredChunk = preferredChunk;
    this.position = offset;
    this.remaining = length;
    this.fd = typeof handle.fd === 'number' && handle.fd >= 0 ? handle.fd : undefined;
    this.leave = readAheadBudget.enter();
  }

  override _read(): void {
    if (this.remaining === 0) {
      this.push(null);
      return;
    }
    const size = Math.min(readAheadBudget.chunkSize(this.preferredChunk), this.remaining);
    const { buffer, pooled } = readBufferPool.take(size);
    this.reading = true;
    this.readAt(buffer, size, (error, bytesRead) => {
      this.reading = false;
      if (this.destroyed || error !== null || bytesRead === 0) {
        if (pooled) readBufferPool.give(buffer);
        if (this.destroyed) this.closeWhenIdle?.();
        else if (error !== null) this.destroy(mapFsError(error, this.context));
        else this.destroy(new StowageError('STOWAGE_IO', 'The file is shorter than its size', { context: this.context }));
        return;
      }
      this.position += bytesRead;
      this.remaining -= bytesRead;
      const chunk = bytesRead === buffer.byteLength ? buffer : buffer.subarray(0, bytesRead);
      if (pooled) this.lent.set(buffer.buffer, { buffer, length: bytesRead });
      this.push(chunk);
    });
  }

  /** Hands back a chunk this stream emitted, once its consumer is done with it. */
  [CHUNK_WRITTEN](chunk: Uint8Array): void {
    const loan = this.lent.get(chunk.buffer);
    if (loan === undefined || chunk.byteOffset !== loan.buffer.byteOffset || chunk.byteLength !== loan.length) return;
    this.lent.delete(chunk.buffer);
    readBufferPool.give(loan.buffer);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // Chunks still lent may sit in a socket's queue: they come back through CHUNK_WRITTEN or not at all.
    this.leave();
    const close = (): void => {
      this.handle.close().then(
        () => callback(error),
        (closeError: unknown) => callback(error ?? mapFsError(closeError, this.context)),
      );
    };
    if (this.reading) this.closeWhenIdle = close;
    else close();
  }

  private readAt(buffer: Buffer, size: number, done: ReadCallback): void {
    if (this.fd !== undefined) {
      readDescriptor(this.fd, buffer, 0, size, this.position, (error, bytesRead) => done(error, bytesRead));
      return;
    }
    this.handle.read(buffer, 0, size, this.position).then(
      ({ bytesRead }) => done(null, bytesRead),
      (error: unknown) => done(error ?? new Error('read failed'), 0),
    );
  }
}
