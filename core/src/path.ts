import { StowageError, type BackendOperation } from './stowage-error.js';

/** The longest accepted path, in UTF-8 bytes (as S3 keys). */
export const MAX_PATH_BYTES = 1024;
/** The longest accepted path segment, in UTF-8 bytes (the limit of ext4, NTFS and SMB). */
export const MAX_SEGMENT_BYTES = 255;

/** Options of {@link normalizePath}. */
export interface NormalizePathOptions {
  /** Accept the root (`""`, `"/"`) and return `""` for it. @defaultValue false */
  readonly allowRoot?: boolean;
  /** Filled into the context of the error thrown for a rejected path. */
  readonly operation?: BackendOperation;
  /** Filled into the context of the error thrown for a rejected path. */
  readonly backend?: string;
}

/**
 * Normalizes a backend path to its one canonical spelling, or rejects it.
 *
 * Behavior:
 * - Leading, trailing and repeated `/` are dropped: `/a//b/` becomes `a/b`.
 * - The result is in Unicode NFC, so NFC and NFD spellings of a name address the same entry.
 * - Rejected with `STOWAGE_INVALID_PATH`: NUL, C0 and C1 control characters and DEL; `\`; a `.`
 *   or `..` segment (never resolved, so nothing can escape); lone surrogates; a segment over
 *   {@link MAX_SEGMENT_BYTES} or a path over {@link MAX_PATH_BYTES} UTF-8 bytes; the root unless
 *   `allowRoot` is set.
 * - The cost is linear in the input and bounded: over-long input is rejected before any other work.
 * - A non-string argument is a programmer error and throws a `TypeError`.
 *
 * @returns the normalized path, `""` for the root.
 * @throws StowageError `STOWAGE_INVALID_PATH`
 */
export function normalizePath(input: string, options: NormalizePathOptions = {}): string {
  if (typeof input !== 'string') throw new TypeError('A path must be a string');
  const reject = (reason: string): never => {
    throw new StowageError('STOWAGE_INVALID_PATH', `Invalid path: ${reason}`, {
      context: {
        ...(options.backend === undefined ? {} : { backend: options.backend }),
        ...(options.operation === undefined ? {} : { operation: options.operation }),
      },
    });
  };
  // Four UTF-16 units never encode more than 12 UTF-8 bytes; NFC may grow a string up to 3x.
  if (input.length > MAX_PATH_BYTES * 3) reject('too long');
  for (let i = 0; i < input.length; i++) {
    const c = input.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) reject('control character');
    if (c === 0x5c) reject('backslash');
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = input.charCodeAt(i + 1);
      if (c >= 0xdc00 || !(next >= 0xdc00 && next <= 0xdfff)) reject('malformed Unicode');
      i++;
    }
  }
  const segments: string[] = [];
  for (const segment of input.normalize('NFC').split('/')) {
    if (segment === '') continue;
    if (segment === '.' || segment === '..') reject('dot segment');
    if (Buffer.byteLength(segment) > MAX_SEGMENT_BYTES) reject('segment too long');
    segments.push(segment);
  }
  const path = segments.join('/');
  if (Buffer.byteLength(path) > MAX_PATH_BYTES) reject('too long');
  if (path === '' && options.allowRoot !== true) reject('the root is not a file');
  return path;
}

/** The parent of a normalized path; `""` for a top-level entry and for the root. */
export function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash === -1 ? '' : path.slice(0, slash);
}

/** The last segment of a normalized path. */
export function baseNameOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Joins a normalized directory path and a child name. */
export function joinPath(directory: string, name: string): string {
  return directory === '' ? name : `${directory}/${name}`;
}
