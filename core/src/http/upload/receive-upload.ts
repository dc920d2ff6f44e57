import type { IncomingMessage } from 'node:http';
import type { Principal } from '../../policies/index.js';
import type { Stowage } from '../../media/stowage.js';
import type { PutFile, PutOptions, PutResult } from '../../media/types.js';
import { StowageError } from '../../stowage-error.js';
import { singleHeader } from './distinct-headers.js';
import { GuardedBody } from './guarded-body.js';
import { resolveUploadLimits, type ResolvedUploadLimits, type UploadLimits } from './limits.js';
import { rawPutFile } from './raw-upload.js';
import { readMultipart } from './read-multipart.js';
import { parseUploadOptions, uploadOptionHeaders } from './upload-options.js';
import { UploadSpool } from './upload-spool.js';

/** Options of {@link receiveUpload}. */
export interface ReceiveUploadOptions {
  /** Who uploads; `null` is anonymous. */
  readonly principal: Principal | null;
  /** Bounds on the request; see {@link UploadLimits} for the defaults. */
  readonly limits?: UploadLimits;
  /** Aborting stops the upload with `STOWAGE_ABORTED`; nothing is committed. */
  readonly signal?: AbortSignal;
  /** Where multipart files larger than a few KiB wait for the put. @defaultValue `os.tmpdir()` */
  readonly tempDirectory?: string;
}

const MULTIPART = /^multipart\/form-data\s*(?:;|$)/i;

/**
 * Receives an upload request and stores its files with one `stowage.put` (one long id, a
 * folder-like when there are several files, in arrival order).
 *
 * Behavior:
 * - `multipart/form-data` is parsed with busboy, every limit set (see `readMultipart`). Because
 *   `put` takes the whole file list before reading a byte while multipart reveals the files one
 *   by one, each file is held in an {@link UploadSpool} as it arrives (small files in memory,
 *   larger ones written to a private temp file as the bytes come), then `put` runs once over
 *   all of them. Memory stays flat whatever the body size; disk holds the body once; the spool
 *   is deleted afterwards, on failure too. Option fields come before the first file.
 * - Any other Content-Type is a raw body: one file named by `X-Filename` (percent-encoded UTF-8)
 *   or `Content-Disposition: attachment; filename*=UTF-8''…`, streamed straight into `put`
 *   (see `rawPutFile`); options come from `X-Stowage-Visibility`, `X-Stowage-Readers`,
 *   `X-Stowage-Writers`, `X-Stowage-Keep-Days`.
 * - Filenames containing `/` or `\` are refused, never shortened (see `checkUploadFilename`).
 * - A body that stalls for `idleTimeoutMs` while it is read fails with `STOWAGE_TIMEOUT`; a
 *   client that goes away fails with `STOWAGE_ABORTED`. Either way, and on every other failure,
 *   nothing is committed.
 * - The request is never destroyed here: after a failure its unread rest is left alone, so the
 *   caller should answer with `Connection: close` (and Node then closes the socket).
 *
 * Errors: `STOWAGE_TOO_LARGE` (413: a file, field, part count or total over a limit; never a
 * truncated commit), `STOWAGE_INVALID_ARGUMENT` (400: malformed multipart, no file, bad option
 * values, missing filename header), `STOWAGE_INVALID_PATH` (400: a bad filename),
 * `STOWAGE_DIGEST_MISMATCH`, `STOWAGE_SIZE_MISMATCH`, `STOWAGE_TIMEOUT`, `STOWAGE_ABORTED`,
 * `STOWAGE_INVALID_CONFIG` (bad limits), spool I/O codes, and whatever `stowage.put` throws.
 */
export async function receiveUpload(stowage: Stowage, request: IncomingMessage, options: ReceiveUploadOptions): Promise<PutResult> {
  const limits = resolveUploadLimits(options.limits);
  const base: PutOptions = { principal: options.principal, ...(options.signal === undefined ? {} : { signal: options.signal }) };
  const contentType = singleHeader(request.headersDistinct, 'content-type') ?? '';
  if (MULTIPART.test(contentType.trim())) return receiveMultipart(stowage, request, limits, base, options.tempDirectory);
  const putOptions = { ...base, ...parseUploadOptions(uploadOptionHeaders(request.headersDistinct)) };
  const body = new GuardedBody(request, limits.idleTimeoutMs, options.signal);
  try {
    return await stowage.put(rawPutFile(request, body, limits), putOptions);
  } catch (error) {
    // The put re-wraps a source failure with its context; the stall itself is what happened.
    throw body.stallError ?? error;
  } finally {
    body.destroy();
  }
}

async function receiveMultipart(
  stowage: Stowage,
  request: IncomingMessage,
  limits: ResolvedUploadLimits,
  base: PutOptions,
  tempDirectory: string | undefined,
): Promise<PutResult> {
  const spool = new UploadSpool(tempDirectory);
  try {
    const { fields, files } = await readMultipart(request, limits, spool, base.signal);
    if (files.length === 0) throw new StowageError('STOWAGE_INVALID_ARGUMENT', 'the upload holds no file');
    const putFiles = files.map(
      (file): PutFile => ({
        filename: file.filename,
        source: file.open(),
        size: file.size,
        ...(file.contentType === undefined ? {} : { contentType: file.contentType }),
      }),
    );
    return await stowage.put(putFiles, { ...base, ...parseUploadOptions(fields) });
  } finally {
    await spool.dispose();
  }
}
