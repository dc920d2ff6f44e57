import { createHash } from 'node:crypto';
import type { FileDigests, HashingSession } from '../../src/hashing/index.js';

/** The digests node:crypto computes for `bytes` in one call: the reference the sessions must match. */
export function referenceDigests(bytes: Uint8Array): FileDigests {
  return {
    sha256: createHash('sha256').update(bytes).digest('hex'),
    sha1: createHash('sha1').update(bytes).digest('hex'),
    size: bytes.byteLength,
  };
}

/** A file of an upload, already cut into the chunks it is fed in. */
export interface ChunkedFile {
  readonly plannedPath: string;
  readonly chunks: readonly Uint8Array[];
}

/** Feeds `files` through `session` and finishes it; returns every file's digests and the id. */
export async function hashFiles(
  session: HashingSession,
  files: readonly ChunkedFile[],
  author: string,
  salt: Uint8Array | string,
): Promise<{ digests: FileDigests[]; id: string }> {
  const digests: FileDigests[] = [];
  for (const file of files) {
    session.beginFile(file.plannedPath);
    for (const chunk of file.chunks) {
      session.update(chunk);
      await session.drain();
    }
    digests.push(await session.endFile());
  }
  return { digests, id: await session.finish(author, salt) };
}

/** Cuts `bytes` at the given sizes (cycled), the last piece taking the rest. */
export function cut(bytes: Uint8Array, sizes: readonly number[]): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (let i = 0; offset < bytes.byteLength; i++) {
    const size = Math.max(1, sizes.length === 0 ? bytes.byteLength : (sizes[i % sizes.length] as number));
    chunks.push(bytes.subarray(offset, offset + size));
    offset += size;
  }
  return chunks;
}

/** `length` bytes of the pattern `i mod 251`, the same on every run. */
export function pattern(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = i % 251;
  return bytes;
}
