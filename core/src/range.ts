import parseRange from 'range-parser';
import { StowageError } from './stowage-error.js';

/**
 * A byte range of a read: either `offset` with an optional `length` (to the end when absent),
 * or the last `suffix` bytes. Offsets and lengths are non-negative safe integers; a `length` is
 * at least 1, since a zero-length range cannot be requested over HTTP either.
 */
export type ReadRange =
  | { readonly offset: number; readonly length?: number }
  | { readonly suffix: number };

/** A range resolved against a file size: the exact bytes `[offset, offset + length)`. */
export interface ResolvedRange {
  readonly offset: number;
  readonly length: number;
}

function checkInteger(value: number, name: string, minimum: number): void {
  if (!Number.isSafeInteger(value) || value < minimum) {
    throw new TypeError(`Range ${name} must be a safe integer >= ${minimum}`);
  }
}

/**
 * Resolves a {@link ReadRange} against the size of a file, following RFC 9110 and `send`.
 *
 * Behavior:
 * - No range: the whole file, `{ offset: 0, length: size }`.
 * - A length that runs past the end is clamped to the end; a suffix longer than the file is the
 *   whole file.
 * - An offset at or past the end, a zero suffix, and any range of an empty file are
 *   unsatisfiable.
 * - Negative, fractional or zero-length ranges are programmer errors (`TypeError`).
 *
 * @throws StowageError `STOWAGE_RANGE_NOT_SATISFIABLE` with `context.size` set.
 */
export function resolveReadRange(range: ReadRange | undefined, size: number): ResolvedRange {
  if (range === undefined) return { offset: 0, length: size };
  const unsatisfiable = (): never => {
    throw new StowageError('STOWAGE_RANGE_NOT_SATISFIABLE', 'Range not satisfiable', {
      context: { size },
    });
  };
  if ('suffix' in range) {
    checkInteger(range.suffix, 'suffix', 0);
    if (range.suffix === 0 || size === 0) unsatisfiable();
    const length = Math.min(range.suffix, size);
    return { offset: size - length, length };
  }
  checkInteger(range.offset, 'offset', 0);
  if (range.length !== undefined) checkInteger(range.length, 'length', 1);
  if (range.offset >= size) unsatisfiable();
  const end = range.length === undefined ? size : Math.min(size, range.offset + range.length);
  return { offset: range.offset, length: end - range.offset };
}

/** The outcome of interpreting an HTTP `Range` header against a representation's size. */
export type RangeHeaderOutcome =
  /** Serve the whole representation with 200: no header, a malformed one, another unit, or an over-long one. */
  | { readonly kind: 'none' }
  /** Serve 206 with exactly these bytes. */
  | { readonly kind: 'single'; readonly range: ResolvedRange }
  /** Several non-adjacent ranges were asked for: serve 200 with the whole body, as `send` does. */
  | { readonly kind: 'multiple' }
  /** Serve 416 with `Content-Range: bytes *\/size`. */
  | { readonly kind: 'unsatisfiable' };

/** Range headers longer than this are ignored (answered 200) without being parsed. */
export const MAX_RANGE_HEADER_LENGTH = 1024;

/**
 * Interprets an HTTP `Range` header the way `send` does, with `range-parser` and
 * `combine: true`.
 *
 * Behavior: a missing, malformed, non-`bytes` or over-long header is ignored (`none`);
 * overlapping and adjacent ranges are combined first, and if more than one remains the answer is
 * `multiple` (the whole body with 200, never a multipart response, so a request of hundreds of
 * ranges costs no more than one); a header whose every range starts past the end is
 * `unsatisfiable`.
 */
export function parseRangeHeader(header: string | undefined, size: number): RangeHeaderOutcome {
  if (header === undefined || header === '' || header.length > MAX_RANGE_HEADER_LENGTH) {
    return { kind: 'none' };
  }
  const parsed = parseRange(size, header, { combine: true });
  if (parsed === -1) return { kind: 'unsatisfiable' };
  if (parsed === -2 || parsed.type !== 'bytes') return { kind: 'none' };
  if (parsed.length !== 1) return { kind: 'multiple' };
  const only = parsed[0] as { start: number; end: number };
  return { kind: 'single', range: { offset: only.start, length: only.end - only.start + 1 } };
}
