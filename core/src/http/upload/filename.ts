import contentDisposition from 'content-disposition';
import { normalizeFilename } from '../../media/put/validate-stage.js';
import { StowageError } from '../../stowage-error.js';
import { singleHeader, type DistinctHeaders } from './distinct-headers.js';

/**
 * Checks a client-supplied filename and answers its NFC form.
 *
 * The rule (documented, never silent): a filename is one display name. It is refused with
 * `STOWAGE_INVALID_PATH` (400) when it is absent or empty, contains `/` or `\` (no path part is
 * stripped: `a/b`, `C:\x` and `/etc/passwd` are refused, not shortened), is `.` or `..`, holds
 * NUL, C0/C1 control characters or DEL, or is longer than a path segment may be. Anything else
 * (`a%2Fb`, `CON`, `trail.`) is kept exactly, NFC-normalized, and is never used as a path.
 */
export function checkUploadFilename(filename: string | undefined): string {
  if (filename === undefined || filename === '') {
    throw new StowageError('STOWAGE_INVALID_PATH', 'every uploaded file needs a non-empty filename');
  }
  if (filename.includes('/') || filename.includes('\\')) {
    throw new StowageError('STOWAGE_INVALID_PATH', 'a filename may not contain "/" or "\\"');
  }
  return normalizeFilename(filename);
}

/**
 * The filename of a raw (non-multipart) upload: the `X-Filename` header, percent-decoded as
 * UTF-8, or else the `filename*` (or `filename`) parameter of `Content-Disposition`, parsed with
 * the content-disposition package. Then {@link checkUploadFilename}.
 *
 * Errors: `STOWAGE_INVALID_ARGUMENT` when neither header is present, or one is malformed;
 * `STOWAGE_INVALID_PATH` from {@link checkUploadFilename}.
 */
export function rawUploadFilename(headers: DistinctHeaders): string {
  const encoded = singleHeader(headers, 'x-filename');
  if (encoded !== undefined) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(encoded);
    } catch (error) {
      throw new StowageError('STOWAGE_INVALID_ARGUMENT', 'X-Filename is not percent-encoded UTF-8', { cause: error });
    }
    return checkUploadFilename(decoded);
  }
  const disposition = singleHeader(headers, 'content-disposition');
  if (disposition === undefined) {
    throw new StowageError('STOWAGE_INVALID_ARGUMENT', 'a raw upload names its file in X-Filename or Content-Disposition');
  }
  let filename: string | undefined;
  try {
    filename = contentDisposition.parse(disposition).parameters['filename'];
  } catch (error) {
    throw new StowageError('STOWAGE_INVALID_ARGUMENT', 'Content-Disposition is malformed', { cause: error });
  }
  return checkUploadFilename(filename);
}
