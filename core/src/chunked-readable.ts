import { Readable } from 'node:stream';

/** The chunk size used to stream `length` bytes: larger reads get larger chunks. */
export function chunkSizeFor(length: number): number {
  if (length >= 16 * 1024 * 1024) return 1024 * 1024;
  if (length >= 1024 * 1024) return 256 * 1024;
  return 64 * 1024;
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
