import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import { isStowageError, StowageError } from '../../stowage-error.js';
import { uploadedContentType } from './declared-type.js';
import { checkUploadFilename } from './filename.js';
import { GuardedBody } from './guarded-body.js';
import type { ResolvedUploadLimits } from './limits.js';
import { isUploadOptionField, parseUploadOptions, type UploadOptionField } from './upload-options.js';
import type { SpooledBytes, UploadSpool } from './upload-spool.js';

/** One file of a multipart body, held in the spool. */
export interface SpooledPart extends SpooledBytes {
  readonly filename: string;
  /** The part's media type; absent when it was `application/octet-stream` (the put then guesses from the filename). */
  readonly contentType?: string;
}

/** A multipart body read to its end. */
export interface MultipartBody {
  /** The option fields (`visibility`, `readers`, `writers`, `keepDays`), each at most once. */
  readonly fields: ReadonlyMap<UploadOptionField, string>;
  /** The files, in arrival order. */
  readonly files: readonly SpooledPart[];
}

function tooLarge(message: string): StowageError {
  return new StowageError('STOWAGE_TOO_LARGE', message);
}

function invalid(message: string, cause?: unknown): StowageError {
  return new StowageError('STOWAGE_INVALID_ARGUMENT', message, { cause });
}

function headerBytes(...values: (string | undefined)[]): number {
  return values.reduce((sum, value) => sum + Buffer.byteLength(value ?? ''), 0);
}

/**
 * Reads a `multipart/form-data` request with busboy, every limit set, into `spool`.
 *
 * Behavior:
 * - busboy limits: `files` = maxFiles, `fileSize` = maxFileBytes + 1 (busboy flags a file that
 *   reaches its limit as truncated, so one byte of slack lets a file of exactly maxFileBytes
 *   through), `fields` = maxFields, `fieldSize` = maxFieldBytes + 1, `parts` = maxFiles +
 *   maxFields + 1, `headerPairs` = maxHeaderPairs; `preservePath: true` so that a filename with a
 *   path part reaches {@link checkUploadFilename} and is refused rather than silently shortened;
 *   `defParamCharset: 'utf8'`.
 * - Option fields must come before the first file, once each, with valid values; other fields
 *   are ignored (names never become object keys).
 * - The first failure wins and stops parsing (on the next microtask: busboy must not be
 *   destroyed inside its own events); the promise settles only after every spool write
 *   has finished, so the caller may dispose of the spool right away. The request is never
 *   destroyed: its unread rest is left for the caller to answer with `Connection: close`.
 *
 * Errors: `STOWAGE_TOO_LARGE` (a truncated file or field, too many files, fields or parts, the
 * total over maxTotalBytes, a part's names over maxPartHeaderBytes), `STOWAGE_INVALID_ARGUMENT`
 * (malformed framing, missing boundary, early end, bad option field), `STOWAGE_INVALID_PATH` (a
 * filename), `STOWAGE_TIMEOUT` (idle), `STOWAGE_ABORTED` (client gone, or `signal`), spool I/O codes.
 */
export function readMultipart(
  request: IncomingMessage,
  limits: ResolvedUploadLimits,
  spool: UploadSpool,
  signal?: AbortSignal,
): Promise<MultipartBody> {
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: request.headers,
      preservePath: true,
      defParamCharset: 'utf8',
      limits: {
        files: limits.maxFiles,
        fileSize: limits.maxFileBytes + 1,
        fields: limits.maxFields,
        fieldSize: limits.maxFieldBytes + 1,
        parts: limits.maxFiles + limits.maxFields + 1,
        headerPairs: limits.maxHeaderPairs,
        fieldNameSize: limits.maxPartHeaderBytes,
      },
    });
  } catch (error) {
    return Promise.reject(invalid('the multipart Content-Type is malformed or has no boundary', error));
  }
  const body = new GuardedBody(request, limits.idleTimeoutMs, signal);
  return new Promise<MultipartBody>((resolve, reject) => {
    const fields = new Map<UploadOptionField, string>();
    const files: Promise<SpooledPart>[] = [];
    let failure: Error | undefined;
    let totalBytes = 0;

    const fail = (error: Error): void => {
      if (failure !== undefined) return;
      failure = error;
      // Never tear busboy down inside one of its own events: it touches the part after emitting.
      queueMicrotask(() => {
        body.unpipe(parser);
        body.destroy();
        parser.destroy();
        void Promise.allSettled(files).then(() => reject(error));
      });
    };
    const guard = (step: () => void): void => {
      try {
        step();
      } catch (error) {
        fail(error as Error);
      }
    };

    body.once('error', fail);
    parser.on('error', (error: unknown) => fail(isStowageError(error) ? error : invalid('the multipart body is malformed', error)));
    parser.once('filesLimit', () => fail(tooLarge(`an upload may hold at most ${limits.maxFiles} files`)));
    parser.once('fieldsLimit', () => fail(tooLarge(`an upload may hold at most ${limits.maxFields} fields`)));
    parser.once('partsLimit', () => fail(tooLarge('the upload has too many parts')));

    parser.on('field', (name, value, info) =>
      guard(() => {
        if (failure !== undefined) return;
        if (info.valueTruncated) throw tooLarge(`a field value may hold at most ${limits.maxFieldBytes} bytes`);
        if (headerBytes(name, info.mimeType) > limits.maxPartHeaderBytes) throw tooLarge('a part header is too large');
        if (!isUploadOptionField(name)) return;
        if (files.length > 0) throw invalid(`the field "${name}" must come before the first file`);
        if (fields.has(name)) throw invalid(`the field "${name}" appears twice`);
        parseUploadOptions(new Map([[name, value]]));
        fields.set(name, value);
      }),
    );

    parser.on('file', (name, stream: Readable, info) => {
      if (failure !== undefined) {
        stream.resume();
        return;
      }
      const part = (async (): Promise<SpooledPart> => {
        if (headerBytes(name, info.filename, info.mimeType) > limits.maxPartHeaderBytes) throw tooLarge('a part header is too large');
        const filename = checkUploadFilename(info.filename);
        stream.once('limit', () => fail(tooLarge(`a file may hold at most ${limits.maxFileBytes} bytes`)));
        const stored = await spool.store(stream, (bytes) => {
          totalBytes += bytes;
          if (totalBytes > limits.maxTotalBytes) throw tooLarge(`an upload may hold at most ${limits.maxTotalBytes} bytes`);
        });
        const contentType = uploadedContentType(filename, info.mimeType === 'application/octet-stream' ? undefined : info.mimeType);
        return { filename, size: stored.size, open: () => stored.open(), ...(contentType === undefined ? {} : { contentType }) };
      })();
      part.catch((error: unknown) => {
        stream.resume();
        fail(error as Error);
      });
      files.push(part);
    });

    parser.once('close', () => {
      void Promise.allSettled(files).then((settled) => {
        if (failure !== undefined) return;
        const parts = settled.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
        resolve({ fields, files: parts });
      });
    });

    body.pipe(parser);
  });
}
