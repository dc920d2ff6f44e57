import type { Backend, BackendEntry } from '../backend.js';
import type { HttpAnswer } from '../http/http-answer.js';
import { headerValue, isNotModified, rangeApplies, type HeaderBag } from '../http/preconditions.js';
import type { CacheDirectives } from '../policies/index.js';
import { parseRangeHeader, type ResolvedRange } from '../range.js';
import { StowageError } from '../stowage-error.js';

/** What {@link fileAnswer} needs of the request and the route. */
export interface FileAnswerOptions {
  readonly method: 'GET' | 'HEAD';
  readonly headers: HeaderBag;
  readonly signal: AbortSignal | undefined;
  readonly contentType: string;
  readonly cacheControl: string;
  /** A strong entity tag known from the address (a task file's SHA-1); else one is derived from the stored entry. */
  readonly etag?: string;
}

const ETAG_TEXT = /^[\x21\x23-\x7e]{1,200}$/;

/**
 * The validators of a stored file: the given tag, else the backend's own `etag` (quoted), else a
 * weak tag from size and modification time; `Last-Modified` when the backend reports one.
 */
function validatorsOf(entry: BackendEntry, etag: string | undefined): { etag?: string; lastModified?: Date } {
  const modified = entry.modifiedAt === undefined ? undefined : new Date(Math.floor(entry.modifiedAt.getTime() / 1000) * 1000);
  const own = entry.etag !== undefined && ETAG_TEXT.test(entry.etag) ? `"${entry.etag}"` : undefined;
  const weak = modified === undefined ? undefined : `W/"${entry.size.toString(16)}-${modified.getTime().toString(16)}"`;
  const tag = etag ?? own ?? weak;
  return { ...(tag === undefined ? {} : { etag: tag }), ...(modified === undefined ? {} : { lastModified: modified }) };
}

function notFound(): StowageError {
  return new StowageError('STOWAGE_NOT_FOUND', 'No such file');
}

/**
 * Answers a GET or HEAD of the file at `path`, as `send_from_directory` does for the original,
 * plus validators, `nosniff` and single ranges.
 *
 * Behavior: a missing file (or a directory) is 404 `STOWAGE_NOT_FOUND`; with validators,
 * `If-None-Match` / `If-Modified-Since` give 304; a single satisfiable `Range` (honoured unless
 * an `If-Range` does not match) gives 206 with `Content-Range`, an unsatisfiable one 416, several
 * ranges the whole file with 200. HEAD answers the same headers without opening the bytes. A file
 * replaced between the stat and the read (a result uploaded again) is `STOWAGE_BUSY` (503,
 * retry) rather than a body that does not match its headers.
 *
 * Errors: `STOWAGE_NOT_FOUND`, `STOWAGE_RANGE_NOT_SATISFIABLE` (with `context.size`),
 * `STOWAGE_BUSY`, and the backend's read codes.
 */
export async function fileAnswer(backend: Backend, path: string, options: FileAnswerOptions): Promise<HttpAnswer> {
  const signal = options.signal === undefined ? {} : { signal: options.signal };
  const entry = await backend.stat(path, signal);
  if (entry.kind !== 'file') throw notFound();
  const validators = validatorsOf(entry, options.etag);
  const headers: Record<string, string> = {
    'content-type': options.contentType,
    'cache-control': options.cacheControl,
    'x-content-type-options': 'nosniff',
    'accept-ranges': 'bytes',
    ...(validators.etag === undefined ? {} : { etag: validators.etag }),
    ...(validators.lastModified === undefined ? {} : { 'last-modified': validators.lastModified.toUTCString() }),
  };
  // The precondition helpers compare against an entity tag and a date; a missing one never matches.
  const cache: CacheDirectives = {
    cacheControl: options.cacheControl,
    etag: validators.etag ?? '"\u0000"',
    lastModified: validators.lastModified ?? new Date(Number.NaN),
    immutable: false,
  };
  if (isNotModified(options.headers, cache)) {
    const kept = ['etag', 'last-modified', 'cache-control'].filter((name) => headers[name] !== undefined);
    return { status: 304, headers: Object.fromEntries(kept.map((name) => [name, headers[name] as string])) };
  }
  const outcome = rangeApplies(options.headers, cache) ? parseRangeHeader(headerValue(options.headers, 'range'), entry.size) : { kind: 'none' as const };
  if (outcome.kind === 'unsatisfiable') {
    throw new StowageError('STOWAGE_RANGE_NOT_SATISFIABLE', 'Range not satisfiable', { context: { size: entry.size } });
  }
  const range: ResolvedRange = outcome.kind === 'single' ? outcome.range : { offset: 0, length: entry.size };
  const status = outcome.kind === 'single' ? 206 : 200;
  headers['content-length'] = String(range.length);
  if (status === 206) headers['content-range'] = `bytes ${range.offset}-${range.offset + range.length - 1}/${entry.size}`;
  if (options.method === 'HEAD') return { status, headers };
  const opened = await backend.read(path, { ...signal, ...(status === 206 ? { range } : {}) });
  if (opened.entry.size !== entry.size || opened.length !== range.length) {
    opened.stream.destroy();
    throw new StowageError('STOWAGE_BUSY', 'The file changed while it was opened; retry', { retryAfterMs: 1000 });
  }
  return { status, headers, body: { stream: opened.stream, length: opened.length } };
}
