import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { PutFile } from '../../media/types.js';
import { uploadedContentType } from './declared-type.js';
import { StowageError } from '../../stowage-error.js';
import { singleHeader, type DistinctHeaders } from './distinct-headers.js';
import { rawUploadFilename } from './filename.js';
import type { GuardedBody } from './guarded-body.js';
import type { ResolvedUploadLimits } from './limits.js';

const CONTENT_LENGTH = /^[0-9]{1,16}$/;
const SHA256_DIGEST = /(?:^|,)\s*sha-256=:([A-Za-z0-9+/]{43}=):/i;

/** The declared body size from `Content-Length`; `undefined` without one. `STOWAGE_INVALID_ARGUMENT` when malformed. */
export function declaredLength(headers: DistinctHeaders): number | undefined {
  const value = singleHeader(headers, 'content-length');
  if (value === undefined) return undefined;
  if (!CONTENT_LENGTH.test(value.trim())) throw new StowageError('STOWAGE_INVALID_ARGUMENT', 'Content-Length is malformed');
  return Number(value.trim());
}

/** The SHA-256 a `Content-Digest: sha-256=:<base64>:` header (RFC 9530) promises, or `undefined`. */
export function declaredSha256(headers: DistinctHeaders): Buffer | undefined {
  const value = singleHeader(headers, 'content-digest');
  const match = value === undefined ? null : SHA256_DIGEST.exec(value);
  return match === null ? undefined : Buffer.from(match[1] as string, 'base64');
}

/** The media type of a raw body: the request's `Content-Type`, unless absent or `application/octet-stream`. */
export function rawContentType(headers: DistinctHeaders): string | undefined {
  const value = singleHeader(headers, 'content-type')?.trim();
  if (value === undefined || value === '' || /^application\/octet-stream\s*(?:;|$)/i.test(value)) return undefined;
  return value;
}

async function* checkedBody(body: GuardedBody, maxBytes: number, sha256: Buffer | undefined): AsyncGenerator<Uint8Array> {
  const hash = sha256 === undefined ? undefined : createHash('sha256');
  let bytes = 0;
  for await (const chunk of body as AsyncIterable<Uint8Array>) {
    bytes += chunk.byteLength;
    if (bytes > maxBytes) throw new StowageError('STOWAGE_TOO_LARGE', `a file may hold at most ${maxBytes} bytes`, { context: { size: bytes } });
    hash?.update(chunk);
    yield chunk;
  }
  if (hash !== undefined && sha256 !== undefined && !hash.digest().equals(sha256)) {
    throw new StowageError('STOWAGE_DIGEST_MISMATCH', 'the body does not match its Content-Digest');
  }
}

/**
 * The one file of a raw (non-multipart) upload, streamed straight from the request into the put
 * (the file count is known, so nothing is spooled).
 *
 * Behavior: the filename comes from `X-Filename` or `Content-Disposition` (see
 * `rawUploadFilename`); `Content-Length` becomes the exact size the put expects (a body that
 * ends short commits nothing) and one over the limits is refused before any byte is read; the
 * bytes are counted against `maxFileBytes` and `maxTotalBytes` as they arrive; a
 * `Content-Digest: sha-256=:…:` is checked at the end, before anything is committed.
 *
 * Errors: `STOWAGE_TOO_LARGE`, `STOWAGE_INVALID_ARGUMENT`, `STOWAGE_INVALID_PATH`, and while the
 * put reads: `STOWAGE_DIGEST_MISMATCH`, `STOWAGE_TIMEOUT`, `STOWAGE_ABORTED`.
 */
export function rawPutFile(request: IncomingMessage, body: GuardedBody, limits: ResolvedUploadLimits): PutFile {
  const headers = request.headersDistinct;
  const filename = rawUploadFilename(headers);
  const size = declaredLength(headers);
  const maxBytes = Math.min(limits.maxFileBytes, limits.maxTotalBytes);
  if (size !== undefined && size > maxBytes) {
    throw new StowageError('STOWAGE_TOO_LARGE', `a file may hold at most ${maxBytes} bytes`, { context: { size } });
  }
  const contentType = uploadedContentType(filename, rawContentType(headers));
  return {
    filename,
    source: checkedBody(body, maxBytes, declaredSha256(headers)),
    ...(size === undefined ? {} : { size }),
    ...(contentType === undefined ? {} : { contentType }),
  };
}
