import type { Readable } from 'node:stream';
import busboy from 'busboy';
import { isStowageError, StowageError } from '../stowage-error.js';
import { GuardedBody } from '../http/upload/guarded-body.js';
import type { ResolvedUploadLimits } from '../http/upload/limits.js';

/**
 * Receives one file part: `name` is the part's field name (`undefined` when the part has none),
 * `source` its bytes, counted against the limits. The synchronous part of the call (before its
 * first `await`) runs inside the parser's event, so a name is refused before any byte is stored.
 * It must read `source` to its end or reject.
 */
export type FilePartHandler = (name: string | undefined, source: AsyncIterable<Uint8Array>) => Promise<void>;

/** Request headers as node:http gives them (lower-case names). */
export type RequestHeaders = Readonly<Record<string, string | string[] | undefined>>;

const MULTIPART = /^multipart\/form-data\s*;/i;

function tooLarge(message: string): StowageError {
  return new StowageError('STOWAGE_TOO_LARGE', message);
}

function invalid(message: string, cause?: unknown): StowageError {
  return new StowageError('STOWAGE_INVALID_ARGUMENT', message, { cause });
}

/**
 * Reads a `multipart/form-data` body with busboy and hands every file part to `onFile` as it
 * arrives, without buffering: the part's bytes flow straight into whatever `onFile` writes them
 * to, with backpressure up to the socket.
 *
 * Behavior:
 * - Only `multipart/form-data` with a boundary is accepted. Parts without a filename (plain form
 *   fields) are ignored, as the original ignores `request.form`; they still count against the
 *   field limits.
 * - busboy limits: `files` = maxFiles, `fileSize` = maxFileBytes + 1, `fields` = maxFields,
 *   `fieldSize` = maxFieldBytes + 1, `parts` = maxFiles + maxFields + 1, `headerPairs` =
 *   maxHeaderPairs; a file over maxFileBytes and all files over maxTotalBytes fail while they
 *   stream, so nothing truncated is ever complete.
 * - The body is read through a `GuardedBody`: a stall of `idleTimeoutMs` fails with
 *   `STOWAGE_TIMEOUT` (a client stall, see `isClientStall`), a client that goes away or an
 *   aborted `signal` with `STOWAGE_ABORTED`.
 * - The first failure wins and stops parsing; the promise settles only after every `onFile`
 *   has settled. The request is never destroyed: answer with `Connection: close`.
 *
 * Resolves with the number of file parts. Errors: `STOWAGE_INVALID_ARGUMENT` (400: not multipart,
 * malformed framing, early end), `STOWAGE_TOO_LARGE` (413), `STOWAGE_TIMEOUT`, `STOWAGE_ABORTED`,
 * and whatever `onFile` rejects with.
 */
export function readMultipartFiles(
  headers: RequestHeaders,
  request: Readable,
  limits: ResolvedUploadLimits,
  onFile: FilePartHandler,
  signal?: AbortSignal,
): Promise<number> {
  const contentType = headers['content-type'];
  if (typeof contentType !== 'string' || !MULTIPART.test(contentType.trim())) {
    return Promise.reject(invalid('The request body must be multipart/form-data'));
  }
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: { ...headers, 'content-type': contentType },
      defParamCharset: 'utf8',
      limits: {
        files: limits.maxFiles,
        fileSize: limits.maxFileBytes + 1,
        fields: limits.maxFields,
        fieldSize: limits.maxFieldBytes + 1,
        parts: limits.maxFiles + limits.maxFields + 1,
        headerPairs: limits.maxHeaderPairs,
      },
    });
  } catch (error) {
    return Promise.reject(invalid('The multipart Content-Type is malformed or has no boundary', error));
  }
  const body = new GuardedBody(request, limits.idleTimeoutMs, signal);
  return new Promise<number>((resolve, reject) => {
    const parts: Promise<void>[] = [];
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
        void Promise.allSettled(parts).then(() => reject(error));
      });
    };

    // The part's bytes, counted. Its own failures are reported here first, so the consumer's
    // wrapping of a failed source (a write reports STOWAGE_ABORTED) never hides what happened.
    async function* counted(stream: Readable): AsyncGenerator<Uint8Array> {
      let fileBytes = 0;
      try {
        for await (const chunk of stream as AsyncIterable<Uint8Array>) {
          if (failure !== undefined) throw failure;
          fileBytes += chunk.byteLength;
          totalBytes += chunk.byteLength;
          if (fileBytes > limits.maxFileBytes) throw tooLarge(`A file may hold at most ${limits.maxFileBytes} bytes`);
          if (totalBytes > limits.maxTotalBytes) throw tooLarge(`An upload may hold at most ${limits.maxTotalBytes} bytes`);
          yield chunk;
        }
      } catch (error) {
        fail(isStowageError(error) ? error : invalid('The multipart body is malformed', error));
        throw failure;
      }
    }

    body.once('error', fail);
    parser.on('error', (error: unknown) => fail(isStowageError(error) ? error : invalid('The multipart body is malformed', error)));
    parser.once('filesLimit', () => fail(tooLarge(`An upload may hold at most ${limits.maxFiles} files`)));
    parser.once('fieldsLimit', () => fail(tooLarge(`An upload may hold at most ${limits.maxFields} fields`)));
    parser.once('partsLimit', () => fail(tooLarge('The upload has too many parts')));
    parser.on('field', () => undefined);
    parser.on('file', (name: string | undefined, stream: Readable) => {
      if (failure !== undefined) {
        stream.resume();
        return;
      }
      stream.once('limit', () => fail(tooLarge(`A file may hold at most ${limits.maxFileBytes} bytes`)));
      let part: Promise<void>;
      try {
        part = onFile(name, counted(stream));
      } catch (error) {
        part = Promise.reject(error as Error);
      }
      part = part.catch((error: unknown) => {
        stream.resume();
        fail(error as Error);
      });
      parts.push(part);
    });
    parser.once('close', () => {
      void Promise.allSettled(parts).then(() => {
        if (failure === undefined) resolve(parts.length);
      });
    });
    body.pipe(parser);
  });
}
