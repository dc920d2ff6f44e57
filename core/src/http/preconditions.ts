import type { CacheDirectives } from '../policies/index.js';

/** Header values as node:http gives them. */
export type HeaderBag = Readonly<Record<string, string | string[] | undefined>>;

/** The single value of a header; repeated headers are joined with `, ` as RFC 9110 §5.3 allows. */
export function headerValue(headers: HeaderBag, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** Validator lists longer than this are treated as not matching rather than parsed. */
const MAX_VALIDATOR_LIST_LENGTH = 8192;

/** The entity tags of an `If-None-Match` list (`*` is returned as is); weak prefixes are kept. */
function entityTags(list: string): string[] {
  return list.split(',').map((tag) => tag.trim()).filter((tag) => tag !== '');
}

function opaque(tag: string): string {
  return tag.startsWith('W/') ? tag.slice(2) : tag;
}

/** RFC 9110 §13.1.2: any tag of the list weakly equals `etag`, or the list is `*`. */
export function noneMatchHits(ifNoneMatch: string, etag: string): boolean {
  if (ifNoneMatch.length > MAX_VALIDATOR_LIST_LENGTH) return false;
  const wanted = opaque(etag);
  return entityTags(ifNoneMatch).some((tag) => tag === '*' || opaque(tag) === wanted);
}

function httpDate(value: string | undefined): number | undefined {
  if (value === undefined || value.length > 64) return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : time;
}

/**
 * Whether a GET or HEAD may be answered 304 (RFC 9110 §13.2.2, steps 3 and 4):
 * `If-None-Match` decides when present (weak comparison); otherwise `If-Modified-Since` with a
 * valid date at or after `Last-Modified`.
 */
export function isNotModified(headers: HeaderBag, cache: CacheDirectives): boolean {
  const ifNoneMatch = headerValue(headers, 'if-none-match');
  if (ifNoneMatch !== undefined) return noneMatchHits(ifNoneMatch, cache.etag);
  const since = httpDate(headerValue(headers, 'if-modified-since'));
  return since !== undefined && cache.lastModified.getTime() <= since;
}

/**
 * Whether the `Range` header may be honoured (RFC 9110 §13.1.5): always without `If-Range`;
 * with it, when it is an entity tag strongly equal to the current one, or an HTTP date exactly
 * equal to `Last-Modified` (our dates are strong validators: entries never change).
 */
export function rangeApplies(headers: HeaderBag, cache: CacheDirectives): boolean {
  const ifRange = headerValue(headers, 'if-range')?.trim();
  if (ifRange === undefined) return true;
  if (ifRange.startsWith('"') || ifRange.startsWith('W/')) return ifRange === cache.etag;
  const date = httpDate(ifRange);
  return date !== undefined && date === cache.lastModified.getTime();
}
