import { Readable, Transform, type TransformCallback } from 'node:stream';
import { finished } from 'node:stream/promises';
import yazl from 'yazl';
import { abortedError } from '../abort.js';
import { isStowageError, StowageError } from '../stowage-error.js';
import { planArchive, type ArchiveEntry, type PlannedItem } from './archive-plan.js';
import { storedArchiveSize } from './archive-size.js';

/** The modification time written for every entry unless told otherwise: 1980-01-01 00:00:00, the zip epoch. */
export const ARCHIVE_EPOCH: Date = new Date(Date.UTC(1980, 0, 1, 0, 0, 0));

const FILE_MODE = 0o100644;
const DIRECTORY_MODE = 0o040755;

/** Options of {@link archive}. */
export interface ArchiveOptions {
  /** Deflate the entries. When false (store-only) the archive's size is known up front. @defaultValue false */
  readonly compress?: boolean;
  /** A top folder every entry goes under, e.g. a submission id (sanitized like a name). */
  readonly prefix?: string;
  /** Add a directory entry (`name/`) for the prefix and every folder holding a file. @defaultValue false */
  readonly directories?: boolean;
  /** Entry order: `ordinal` (by name) or `walk` (a top-down folder walk, as Python's zip tools). @defaultValue 'ordinal' */
  readonly order?: 'ordinal' | 'walk';
  /** The modification time of every entry (entries may override it). @defaultValue {@link ARCHIVE_EPOCH} */
  readonly mtime?: Date;
  /** Write zip64 records even where the sizes do not need them. @defaultValue false */
  readonly forceZip64?: boolean;
  /** Aborting destroys the stream with `STOWAGE_ABORTED` and releases the open source. */
  readonly signal?: AbortSignal;
}

/** What {@link archive} answers. */
export interface ArchiveResult {
  /** The zip bytes. Ends only after every entry was written in full; errors otherwise. */
  readonly stream: Readable;
  /**
   * The exact byte length of `stream` (for `Content-Length`): known when store-only and every
   * entry declares its size, `undefined` otherwise.
   */
  readonly size: number | undefined;
  /** The entry names in archive order (directory entries end with `/`). */
  readonly names: readonly string[];
}

/**
 * The Date whose local wall clock equals `date`'s UTC wall clock (even seconds): yazl encodes
 * DOS times from local fields, so this makes the bytes independent of the process time zone.
 */
function dosWallClock(date: Date): Date {
  return new Date(
    date.getUTCFullYear(),
    date.getUTCMonth(),
    date.getUTCDate(),
    date.getUTCHours(),
    date.getUTCMinutes(),
    date.getUTCSeconds() - (date.getUTCSeconds() % 2),
  );
}

/** Passes exactly `expected` bytes; more (at once) or fewer (at the end) is `STOWAGE_SIZE_MISMATCH`. */
class SizeGuard extends Transform {
  #seen = 0;

  constructor(
    private readonly expected: number,
    private readonly name: string,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#seen += chunk.length;
    if (this.#seen > this.expected) callback(this.#mismatch());
    else callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    callback(this.#seen === this.expected ? null : this.#mismatch());
  }

  #mismatch(): StowageError {
    return new StowageError('STOWAGE_SIZE_MISMATCH', `the source of archive entry "${this.name}" did not deliver ${this.expected} bytes`);
  }
}

function toReadable(source: Readable | AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Readable {
  return source instanceof Readable ? source : Readable.from(source, { objectMode: false });
}

function sourceFailure(error: unknown, name: string): StowageError {
  if (isStowageError(error)) return error;
  return new StowageError('STOWAGE_IO', `the source of archive entry "${name}" failed`, { cause: error });
}

function checkOptions(options: ArchiveOptions): void {
  if (typeof options !== 'object' || options === null) throw new StowageError('STOWAGE_INVALID_ARGUMENT', 'options must be an object');
  if (options.mtime !== undefined && (!(options.mtime instanceof Date) || Number.isNaN(options.mtime.getTime()))) {
    throw new StowageError('STOWAGE_INVALID_ARGUMENT', 'options.mtime must be a valid Date');
  }
}

/**
 * Streams a zip of `entries` with yazl, reading each entry's source only when the writer reaches it.
 *
 * Behavior:
 * - At most one source is open at a time: an entry's `open` is called only after the previous
 *   entry's stream has closed.
 * - Deterministic: names follow {@link planArchive}'s documented sanitizing, deduplication and
 *   ordinal order; every entry gets the pinned `mtime` (DOS fields hold its UTC wall clock, no
 *   extended timestamp field), mode 0644 (directories 0755). The same set of entries with the
 *   same options gives the same bytes, whatever the input order or the process time zone.
 * - Store-only with every size declared: `size` is exact, zip64 records included (see
 *   {@link storedArchiveSize}, which replaces yazl's `calculatedTotalSizeCallback`: that one is
 *   76 bytes off once the central directory reaches 64 KiB). yazl switches to zip64 by itself
 *   when a size or offset needs it.
 * - A source that fails, or delivers another byte count than its declared size, fails the
 *   archive: the stream is destroyed with that error (never ended cleanly, so an HTTP response
 *   is aborted) and the open source is destroyed. So is a consumer that destroys the stream
 *   early, and an aborted signal (`STOWAGE_ABORTED`).
 *
 * Errors: `STOWAGE_INVALID_ARGUMENT` (thrown) for malformed entries or options; on the stream,
 * the source's `StowageError`, `STOWAGE_SIZE_MISMATCH`, `STOWAGE_IO` (a source failing with
 * another error), `STOWAGE_ABORTED`.
 */
export function archive(entries: readonly ArchiveEntry[], options: ArchiveOptions = {}): ArchiveResult {
  checkOptions(options);
  const items = planArchive(entries, options);
  const mtime = options.mtime ?? ARCHIVE_EPOCH;
  const zip = new yazl.ZipFile();
  const output = zip.outputStream as unknown as Readable;
  const controller = new AbortController();
  const signal = options.signal;
  let current: Readable | undefined;
  let previousClosed: Promise<void> = Promise.resolve();
  let settled = false;

  const fail = (error: unknown): void => {
    if (settled) return;
    settled = true;
    signal?.removeEventListener('abort', onAbort);
    controller.abort(error);
    current?.destroy();
    output.destroy(error as Error);
  };
  const onAbort = (): void => fail(abortedError(signal));
  zip.on('error', (error: unknown) => fail(sourceFailure(error, 'archive')));
  output.once('end', () => {
    settled = true;
    signal?.removeEventListener('abort', onAbort);
  });
  output.once('close', () => fail(new StowageError('STOWAGE_ABORTED', 'the archive stream was destroyed before its end')));

  const openLazily = (item: Extract<PlannedItem, { kind: 'file' }>) => (callback: (error: unknown, stream: NodeJS.ReadableStream) => void) => {
    const { entry, name } = item;
    previousClosed
      .then(() => (settled ? undefined : entry.open(controller.signal)))
      .then((source) => {
        if (source === undefined) return;
        const stream = toReadable(source);
        if (settled) {
          stream.destroy();
          return;
        }
        current = stream;
        // finished() waits for 'close' when the stream emits one (its handle is released), else 'end'.
        previousClosed = finished(stream).catch(() => undefined);
        stream.on('error', (error) => fail(sourceFailure(error, name)));
        if (entry.size === undefined) {
          callback(null, stream);
          return;
        }
        const guard = new SizeGuard(entry.size, name);
        guard.on('error', fail);
        callback(null, stream.pipe(guard));
      })
      .catch((error: unknown) => fail(sourceFailure(error, name)));
  };

  for (const item of items) {
    const when = dosWallClock(item.kind === 'file' ? (item.entry.mtime ?? mtime) : mtime);
    if (item.kind === 'directory') {
      zip.addEmptyDirectory(item.name, { mtime: when, mode: DIRECTORY_MODE, forceDosTimestamp: true });
      continue;
    }
    zip.addReadStreamLazy(
      item.name,
      {
        mtime: when,
        mode: FILE_MODE,
        forceDosTimestamp: true,
        compress: options.compress === true,
        forceZip64Format: options.forceZip64 === true,
        ...(item.entry.size === undefined ? {} : { size: item.entry.size }),
      },
      openLazily(item),
    );
  }
  zip.end({ forceZip64Format: options.forceZip64 === true, comment: '' });
  const predictable = options.compress !== true && items.every((item) => item.kind === 'directory' || item.entry.size !== undefined);
  const size = predictable
    ? storedArchiveSize(
        items.map((item) => ({ name: item.name, size: item.kind === 'file' ? item.entry.size : undefined })),
        options.forceZip64 === true,
      )
    : undefined;
  if (signal?.aborted === true) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });
  return Object.freeze({ stream: output, size, names: Object.freeze(items.map((item) => item.name)) });
}
