import { createHash, type Hash } from 'node:crypto';

/**
 * The running SHA-256 of a long id, fed in the order the Media API defines:
 * `uploadedAt ‖ (plannedPath_i ‖ contents_i for each file, in order) ‖ author ‖ salt`.
 *
 * `‖` is plain byte concatenation with no separators or lengths, exactly as the Media API
 * defines the id. The encoding is therefore ambiguous by design: `("a:b", "c")` and
 * `("a:", "bc")` feed the same bytes. That is harmless because the id is not meant to be
 * decoded, only to be unguessable: the secret salt at the end makes it so, and the catalog, not
 * the id, records what an id names.
 *
 * The caller has already validated and UTF-8 encoded the strings (see `utf8Of`); this class only
 * hashes. It is shared by the inline engine, the worker and the recomputation helpers, so the
 * definition lives in one place.
 */
export class LongIdHash {
  readonly #hash: Hash = createHash('sha256');

  /** Starts the id with the upload time's UTF-8 bytes. */
  constructor(uploadedAt: Uint8Array | string) {
    this.#hash.update(uploadedAt);
  }

  /** Feeds a file's planned path (before its contents). */
  beginFile(plannedPath: Uint8Array | string): void {
    this.#hash.update(plannedPath);
  }

  /** Feeds bytes of the current file's contents. */
  update(chunk: Uint8Array): void {
    this.#hash.update(chunk);
  }

  /** Feeds the author and salt bytes and returns the id as 64 lowercase hex characters. */
  digest(author: Uint8Array, salt: Uint8Array): string {
    this.#hash.update(author);
    this.#hash.update(salt);
    return this.#hash.digest('hex');
  }
}
