import { Readable } from 'node:stream';
import { StowageError, type ErrorContext } from '@stowage/core';
import type { Lease } from './connection-pool.js';
import { mapSmbError } from './errors.js';
import { closeQuietly, MAX_IO_BYTES, readAt } from './wire/share-operations.js';

/** What the stream reads: an open handle on a leased connection and the exact range. */
export interface ReadStreamSource {
  readonly lease: Lease;
  readonly fileId: Buffer;
  readonly offset: number;
  readonly length: number;
  /** Reads outstanding at once (64 KiB each). */
  readonly window: number;
  readonly context: ErrorContext;
  /** Called once the handle is closed and the lease released. */
  readonly onRelease?: () => void;
}

/**
 * A `Readable` over a byte range of an open SMB file, with pipelined 64 KiB reads.
 *
 * Behavior:
 * - Carries exactly `length` bytes from `offset`, in order, then ends; a file that turns out
 *   shorter fails the stream with `STOWAGE_IO` (never a short clean end).
 * - Closes the handle exactly once (after the last read, or on destroy once the reads in flight
 *   have settled), then releases the connection.
 * - Wire failures destroy the stream with the mapped `StowageError`.
 */
export class SmbReadStream extends Readable {
  private readonly inFlight: { readonly length: number; readonly data: Promise<Buffer> }[] = [];
  private requested = 0;
  private pumping = false;
  private released: Promise<void> | undefined;

  constructor(private readonly source: ReadStreamSource) {
    super({ highWaterMark: MAX_IO_BYTES * 2 });
  }

  override _read(): void {
    if (this.pumping) return;
    this.pumping = true;
    this.pump().catch((error: unknown) => this.destroy(mapSmbError(error, this.source.context)));
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.release().then(
      () => callback(error),
      () => callback(error),
    );
  }

  private async pump(): Promise<void> {
    const { lease, fileId, offset, length, window } = this.source;
    for (;;) {
      while (this.inFlight.length < window && this.requested < length) {
        const size = Math.min(MAX_IO_BYTES, length - this.requested);
        const data = readAt(lease.connection, fileId, offset + this.requested, size);
        data.catch(() => undefined);
        this.inFlight.push({ length: size, data });
        this.requested += size;
      }
      const next = this.inFlight.shift();
      if (next === undefined) {
        await this.release();
        this.push(null);
        return;
      }
      const data = await next.data;
      if (this.destroyed) return;
      if (data.length !== next.length) {
        throw new StowageError('STOWAGE_IO', 'The file is shorter than its size', { context: this.source.context });
      }
      if (!this.push(data)) {
        this.pumping = false;
        return;
      }
    }
  }

  /** Closes the handle once, after the reads in flight settle, and releases the connection. */
  private release(): Promise<void> {
    this.released ??= (async () => {
      await Promise.allSettled(this.inFlight.map((read) => read.data));
      const { lease, fileId } = this.source;
      await closeQuietly(lease.connection, fileId);
      lease.release();
      this.source.onRelease?.();
    })();
    return this.released;
  }
}
