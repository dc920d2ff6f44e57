import { createHash, type Hash } from 'node:crypto';
import type { FileDigests } from './hashing-session.js';
import { LongIdHash } from './long-id-hash.js';

interface OpenFile {
  readonly sha256: Hash;
  readonly sha1: Hash;
  size: number;
}

/**
 * The hash state of one upload: the long id plus the SHA-256 and SHA-1 of the open file, all
 * fed from the same chunks in one pass. Used on the calling thread (`inline`) and inside the
 * hash worker (`worker`), so both modes compute the same thing by construction.
 *
 * It trusts its caller to call in order (`beginFile`, `update`*, `endFile`, ..., `finish`); the
 * session in front of it enforces that. Calling out of order is a bug and throws a plain
 * `Error`.
 */
export class UploadHashState {
  readonly #longId: LongIdHash;
  #file: OpenFile | undefined;

  constructor(uploadedAt: string) {
    this.#longId = new LongIdHash(uploadedAt);
  }

  /** Feeds the planned path into the long id and opens the next file. */
  beginFile(plannedPath: string): void {
    this.#longId.beginFile(plannedPath);
    this.#file = { sha256: createHash('sha256'), sha1: createHash('sha1'), size: 0 };
  }

  /** Feeds bytes of the open file into its SHA-256, its SHA-1 and the long id. */
  update(chunk: Uint8Array): void {
    const file = this.#openFile();
    file.sha256.update(chunk);
    file.sha1.update(chunk);
    file.size += chunk.byteLength;
    this.#longId.update(chunk);
  }

  /** Closes the open file and returns its digests. */
  endFile(): FileDigests {
    const file = this.#openFile();
    this.#file = undefined;
    return { sha256: file.sha256.digest('hex'), sha1: file.sha1.digest('hex'), size: file.size };
  }

  /** Feeds the author and salt bytes and returns the long id. */
  finish(author: Uint8Array, salt: Uint8Array): string {
    if (this.#file !== undefined) throw new Error('finish() with a file still open');
    return this.#longId.digest(author, salt);
  }

  #openFile(): OpenFile {
    if (this.#file === undefined) throw new Error('no file is open');
    return this.#file;
  }
}
