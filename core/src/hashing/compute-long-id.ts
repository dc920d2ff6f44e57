import { assertIsoMillis } from './long-id-format.js';
import { LongIdHash } from './long-id-hash.js';
import { StowageError } from '../stowage-error.js';
import { assertChunk, saltBytesOf, utf8Of } from './text-bytes.js';

/** The contents of one file: a whole buffer, or an async iterable of chunks (a `Readable`). */
export type LongIdContents = Uint8Array | AsyncIterable<Uint8Array>;

/** What {@link computeLongId} hashes. */
export interface LongIdInput {
  /** The upload time, exactly as `toIsoMillis` writes it. */
  readonly uploadedAt: string;
  /** The files in upload order: one for a single file, several for a folder-like. */
  readonly files: readonly { readonly plannedPath: string; readonly contents: LongIdContents }[];
  /** The uploading principal's name, `""` for anonymous. */
  readonly author: string;
  /** The secret salt: bytes, or a string taken as UTF-8. */
  readonly salt: Uint8Array | string;
}

/**
 * Recomputes a long id from whole buffers or streams, on the calling thread, with the same
 * definition as a hashing session: `sha256(uploadedAt ‖ (plannedPath_i ‖ contents_i)… ‖ author ‖ salt)`.
 *
 * Behavior:
 * - `STOWAGE_INVALID_ARGUMENT`: an empty `files` list, an `uploadedAt` not in `toIsoMillis`
 *   form, a lone surrogate in a string.
 * - Streams are read in order, one after the other; an error a stream throws passes through
 *   unchanged. A chunk that is not a `Uint8Array`, or contents that are neither, is a `TypeError`.
 *
 * @returns the long id, 64 lowercase hex characters.
 * @throws StowageError `STOWAGE_INVALID_ARGUMENT`
 */
export async function computeLongId(input: LongIdInput): Promise<string> {
  assertIsoMillis(input.uploadedAt);
  if (input.files.length === 0) {
    throw new StowageError('STOWAGE_INVALID_ARGUMENT', 'A long id needs at least one file');
  }
  const paths = input.files.map((file) => utf8Of(file.plannedPath, 'plannedPath'));
  const author = utf8Of(input.author, 'author');
  const salt = saltBytesOf(input.salt);
  const hash = new LongIdHash(input.uploadedAt);
  for (const [index, file] of input.files.entries()) {
    hash.beginFile(paths[index] as Uint8Array);
    const { contents } = file;
    if (contents instanceof Uint8Array) {
      hash.update(contents);
    } else if (contents !== null && typeof contents === 'object' && Symbol.asyncIterator in contents) {
      for await (const chunk of contents) {
        assertChunk(chunk);
        hash.update(chunk);
      }
    } else {
      throw new TypeError('File contents must be a Uint8Array or an async iterable of Uint8Array');
    }
  }
  return hash.digest(author, salt);
}
