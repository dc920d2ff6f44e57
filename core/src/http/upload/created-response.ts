import type { PutResult } from '../../media/types.js';
import { StowageError } from '../../stowage-error.js';

/** The `201 Created` answer to an upload. */
export interface CreatedResponse {
  readonly status: 201;
  readonly headers: Record<string, string>;
  /** JSON: `{ "id", "files": [{ "filename", "url", "size", "sha256", "contentType" }] }`. */
  readonly body: string;
}

/**
 * Builds the `201 Created` answer for a put, for the media handler and for applications that
 * upload from their own endpoints.
 *
 * Behavior: each file's URL is `<prefix>/<id>/<filename>`, every segment percent-encoded with
 * `encodeURIComponent` (a trailing `/` of `prefix` is dropped, so `''` and `'/'` give
 * `/<id>/<filename>`); `Location` is the first file's URL; `Content-Type` is `application/json`.
 *
 * Errors: `STOWAGE_INVALID_ARGUMENT` when the result holds no entry.
 */
export function createdResponse(result: PutResult, prefix: string): CreatedResponse {
  const base = prefix.replace(/\/+$/, '');
  const files = result.entries.map((entry) => ({
    filename: entry.filename,
    url: `${base}/${encodeURIComponent(result.id)}/${encodeURIComponent(entry.filename)}`,
    size: entry.size,
    sha256: entry.sha256,
    contentType: entry.contentType,
  }));
  const first = files[0];
  if (first === undefined) throw new StowageError('STOWAGE_INVALID_ARGUMENT', 'a put result without entries has no location');
  return {
    status: 201,
    headers: { Location: first.url, 'Content-Type': 'application/json' },
    body: JSON.stringify({ id: result.id, files }),
  };
}
