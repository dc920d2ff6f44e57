import type { Readable } from 'node:stream';
import type { EntryKey, CatalogEntry } from '../catalog/entry.js';
import type { Stowage } from '../media/stowage.js';
import type { OpenedEntry, OpenOptions, ResolvedEntry } from '../media/types.js';
import type { Principal } from '../policies/index.js';
import { parseRangeHeader } from '../range.js';
import { StowageError } from '../stowage-error.js';
import { entryHeaders, validatorHeaders } from './entry-headers.js';
import type { DeliveryMode } from './handler-options.js';
import { dropBody, type HttpAnswer, type StreamedBody } from './http-answer.js';
import { headerValue, isNotModified, rangeApplies, type HeaderBag } from './preconditions.js';

const STREAM: DeliveryMode = Object.freeze({ mode: 'stream' });

/** What deciding a read needs of the request. */
export interface ReadRequest {
  readonly method: 'GET' | 'HEAD';
  readonly headers: HeaderBag;
  readonly principal: Principal | null;
  /** Read only when the answer needs it (it may be created on first read). */
  readonly signal: AbortSignal;
}

/** The canonical URL of an entry: `<prefix>/<id>/<filename percent-encoded>`, from stored values only. */
export function canonicalUrl(prefix: string, key: EntryKey): string {
  // `prefix` is '' or starts with one '/' followed by a non-empty segment; `id` is hex: the
  // result therefore always starts with exactly one '/', never '//' or '/\'.
  return `${prefix}/${key.id}/${encodeURIComponent(key.filename)}`;
}

/** The 301 to an entry's canonical URL: empty body, `no-store` for private entries. */
export function redirectAnswer(prefix: string, target: EntryKey, from: CatalogEntry): HttpAnswer {
  return {
    status: 301,
    headers: {
      location: canonicalUrl(prefix, target),
      'cache-control': from.visibility === 'public' ? 'public, no-cache' : 'private, no-store',
      'x-content-type-options': 'nosniff',
      'content-length': '0',
    },
  };
}

/** `<internalPrefix>/<path>`, each segment of the backend path percent-encoded exactly once. */
export function internalUri(internalPrefix: string, path: string): string {
  // Content addresses (`blobs/ab/cd/<hex>`) need no encoding: skip the split on every answer.
  if (UNRESERVED_PATH.test(path)) return `${internalPrefix}/${path}`;
  return `${internalPrefix}/${path.split('/').map((segment) => encodeURIComponent(segment)).join('/')}`;
}

/**
 * The framing of a delegated answer: an explicit empty body. Without it Node frames the empty
 * body as chunked, and nginx, which does not read an upstream body after `X-Accel-Redirect`,
 * can then only close the upstream connection (it keeps it alive only for a body of length 0),
 * so every delegated download would cost a new connection to the app.
 */
const NO_BODY_LENGTH = '0';

/** Paths made only of characters `encodeURIComponent` keeps, and `/`. */
const UNRESERVED_PATH = /^[A-Za-z0-9\-_.!~*'()/]*$/;

/**
 * Decides a GET or HEAD of `key`, after authentication.
 *
 * Behavior (DESIGN §3): the facade's `stat` answers not-found (malformed, unknown, hidden),
 * 401 or 403 before revealing a replacement; a replaced entry, or a name that only matches after
 * normalization, is a 301 to the stored name; then 304 (`If-None-Match`, else
 * `If-Modified-Since`); then per the delivery mode of the entry's shard (streaming when not listed) an `X-Accel-Redirect` or `X-Sendfile`
 * answer (ranges then belong to the proxy), or 416 / 206 / 200 with the bytes. HEAD answers the
 * same status and headers; in stream mode it opens the bytes and closes them unread, so a
 * missing blob is the same 5xx as for GET.
 *
 * Errors: whatever the facade throws (`STOWAGE_NOT_FOUND`, `STOWAGE_UNAUTHENTICATED`,
 * `STOWAGE_FORBIDDEN`, `STOWAGE_LOST`, ...); `STOWAGE_RANGE_NOT_SATISFIABLE` with `context.size`.
 */
export async function readAnswer(
  stowage: Stowage,
  key: EntryKey,
  request: ReadRequest,
  prefix: string,
  deliveries: ReadonlyMap<string, DeliveryMode>,
): Promise<HttpAnswer> {
  // The request is the facade's options as it is (principal and signal): no copy, and a signal
  // created on first read stays unread by the downloads that never need it.
  const options: OpenOptions = request;
  if (deliveries.size === 0 && isPlainRead(request.headers)) return plainReadAnswer(stowage, key, request, prefix);
  const described = await stowage.stat(key, options);
  if (described.kind === 'replaced') return redirectAnswer(prefix, described.location, described.entry);
  const { entry, cache } = described;
  if (entry.filename !== key.filename) return redirectAnswer(prefix, entry, entry);
  if (isNotModified(request.headers, cache)) {
    return { status: 304, headers: validatorHeaders(cache) };
  }
  const headers = entryHeaders(entry, cache);
  const delivery = deliveries.get(entry.backend) ?? STREAM;
  if (delivery.mode === 'x-accel') {
    headers['content-length'] = NO_BODY_LENGTH;
    headers['x-accel-redirect'] = internalUri(delivery.internalPrefix, entry.path);
    return { status: 200, headers };
  }
  if (delivery.mode === 'x-sendfile' && delivery.backend?.localPath !== undefined) {
    headers['content-length'] = NO_BODY_LENGTH;
    headers['x-sendfile'] = await delivery.backend.localPath(entry.path, options);
    return { status: 200, headers };
  }
  return streamAnswer(stowage, described, headers, request, prefix);
}

/** `true` without `Range` or validators: the whole body is sent (or a redirect), so one open decides it all. */
function isPlainRead(headers: HeaderBag): boolean {
  return headerValue(headers, 'range') === undefined && headerValue(headers, 'if-none-match') === undefined && headerValue(headers, 'if-modified-since') === undefined;
}

/**
 * A read with nothing conditional on every-shard-streams: one `open` (one catalog lookup, one
 * authorization) instead of `stat` then `open`, in the same decision order.
 */
async function plainReadAnswer(
  stowage: Stowage,
  key: EntryKey,
  request: ReadRequest,
  prefix: string,
): Promise<HttpAnswer> {
  const opened = await stowage.open(key, request);
  if (opened.kind === 'replaced') return redirectAnswer(prefix, opened.location, opened.entry);
  const { entry, cache } = opened;
  if (entry.filename !== key.filename) {
    closeOpened(opened);
    return redirectAnswer(prefix, entry, entry);
  }
  const headers = entryHeaders(entry, cache);
  headers['content-length'] = String(entry.size);
  const body = bodyOf(opened, entry.size);
  if (request.method !== 'HEAD') return { status: 200, headers, body };
  dropBody(body);
  return { status: 200, headers };
}

async function streamAnswer(
  stowage: Stowage,
  described: ResolvedEntry,
  headers: Record<string, string>,
  request: ReadRequest,
  prefix: string,
): Promise<HttpAnswer> {
  const { entry, cache } = described;
  const outcome = rangeApplies(request.headers, cache) ? parseRangeHeader(headerValue(request.headers, 'range'), entry.size) : { kind: 'none' as const };
  if (outcome.kind === 'unsatisfiable') {
    throw new StowageError('STOWAGE_RANGE_NOT_SATISFIABLE', 'Range not satisfiable', { context: { size: entry.size } });
  }
  const range = outcome.kind === 'single' ? outcome.range : { offset: 0, length: entry.size };
  const status = outcome.kind === 'single' ? 206 : 200;
  headers['content-length'] = String(range.length);
  if (status === 206) headers['content-range'] = `bytes ${range.offset}-${range.offset + range.length - 1}/${entry.size}`;
  // HEAD opens the bytes too (and closes them unread): it answers exactly what GET would,
  // including the 5xx of an entry whose bytes are gone (RELIABILITY D18, D26).
  const opened = await stowage.open(
    { id: entry.id, filename: entry.filename },
    {
      principal: request.principal,
      signal: request.signal,
      ...(status === 206 ? { range: { offset: range.offset, length: range.length } } : {}),
    },
  );
  // The entry was replaced between stat and open: the redirect is still decided after authorization.
  if (opened.kind === 'replaced') return redirectAnswer(prefix, opened.location, opened.entry);
  const body = bodyOf(opened, range.length);
  if (request.method !== 'HEAD') return { status, headers, body };
  dropBody(body);
  return { status, headers };
}

/** Releases an opened entry unread (one held in memory has nothing to release). */
function closeOpened(opened: OpenedEntry): void {
  if (opened.bytes === undefined) opened.stream.destroy();
}

function bodyOf(opened: OpenedEntry, expected: number): StreamedBody {
  if (opened.length !== expected) {
    closeOpened(opened);
    throw new StowageError('STOWAGE_LOST', 'the stored bytes do not match the entry');
  }
  if (opened.bytes === undefined) return { stream: opened.stream, length: opened.length };
  return new MemoryBody(opened, opened.bytes);
}

/**
 * A body held in memory: its stream exists only if a sender asks for it (senders write `bytes`).
 * A class, not a literal with a getter, which V8 builds on a slow path for every download.
 */
class MemoryBody implements StreamedBody {
  readonly length: number;
  readonly #opened: OpenedEntry;

  constructor(
    opened: OpenedEntry,
    readonly bytes: Uint8Array,
  ) {
    this.length = opened.length;
    this.#opened = opened;
  }

  get stream(): Readable {
    return this.#opened.stream;
  }
}
