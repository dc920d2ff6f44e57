import { PassThrough, type Readable } from 'node:stream';
import yauzl from 'yauzl';
import type { Backend } from '../backend.js';

/**
 * Where a zip to extract is read from. yauzl needs random access (the central directory at the
 * end is the authority), so a zip is never parsed from a forward-only stream: an upload is first
 * staged, then read from there.
 *
 * - `{ file }`: a file on the local disk (a staged upload's temporary file).
 * - `{ buffer }`: the whole zip in memory.
 * - `{ reader, size }`: any yauzl `RandomAccessReader`.
 * - `{ backend, path }`: a file on a Stowage backend, read with ranged reads (see {@link BackendZipReader}).
 */
export type ZipInput =
  | { readonly file: string }
  | { readonly buffer: Uint8Array }
  | { readonly reader: yauzl.RandomAccessReader; readonly size: number }
  | { readonly backend: Backend; readonly path: string };

/** How many bytes {@link BackendZipReader} fetches at once for small reads (central directory, headers). */
export const READ_WINDOW_BYTES = 64 * 1024;

/**
 * A yauzl `RandomAccessReader` over a file on a backend: file data is streamed with exact ranged
 * reads; the small reads of headers and the central directory are served from a 64 KiB window,
 * so a central directory of thousands of entries costs few backend calls.
 */
export class BackendZipReader extends yauzl.RandomAccessReader {
  #window: { start: number; bytes: Buffer } | undefined;

  constructor(
    private readonly backend: Backend,
    private readonly path: string,
    private readonly size: number,
    private readonly signal?: AbortSignal,
  ) {
    super();
  }

  override _readStreamForRange(start: number, end: number): Readable {
    const out = new PassThrough();
    const options = { range: { offset: start, length: end - start }, ...(this.signal === undefined ? {} : { signal: this.signal }) };
    this.backend.read(this.path, options).then(
      ({ stream }) => {
        if (out.destroyed) {
          stream.destroy();
          return;
        }
        stream.on('error', (error) => out.destroy(error));
        out.on('close', () => stream.destroy());
        stream.pipe(out);
      },
      (error: Error) => out.destroy(error),
    );
    return out;
  }

  override read(buffer: Buffer, offset: number, length: number, position: number, callback: (error: Error | null, bytesRead?: number) => void): void {
    if (length > READ_WINDOW_BYTES) {
      super.read(buffer, offset, length, position, callback);
      return;
    }
    this.#fill(position, length).then(
      (window) => {
        const copied = window.bytes.copy(buffer, offset, position - window.start, position - window.start + length);
        callback(null, copied);
      },
      (error: Error) => callback(error),
    );
  }

  async #fill(position: number, length: number): Promise<{ start: number; bytes: Buffer }> {
    const window = this.#window;
    if (window !== undefined && position >= window.start && position + length <= window.start + window.bytes.length) return window;
    const end = Math.min(this.size, Math.max(position + length, position + READ_WINDOW_BYTES));
    const chunks: Buffer[] = [];
    if (end > position) {
      const options = { range: { offset: position, length: end - position }, ...(this.signal === undefined ? {} : { signal: this.signal }) };
      const { stream } = await this.backend.read(this.path, options);
      for await (const chunk of stream) chunks.push(chunk as Buffer);
    }
    const filled = { start: position, bytes: Buffer.concat(chunks) };
    this.#window = filled;
    return filled;
  }
}

/** The options every extraction opens yauzl with. */
const OPEN_OPTIONS: yauzl.Options = Object.freeze({
  lazyEntries: true,
  autoClose: false,
  decodeStrings: true,
  strictFileNames: true,
  validateEntrySizes: true,
});

/**
 * Opens a zip with yauzl (`lazyEntries`, `strictFileNames`, `validateEntrySizes`, no auto-close:
 * the caller closes). Rejects with yauzl's error for a file that is not a readable zip.
 */
export async function openZip(input: ZipInput, signal?: AbortSignal): Promise<yauzl.ZipFile> {
  if ('file' in input) return yauzl.openPromise(input.file, OPEN_OPTIONS);
  if ('buffer' in input) return yauzl.fromBufferPromise(Buffer.from(input.buffer.buffer, input.buffer.byteOffset, input.buffer.byteLength), OPEN_OPTIONS);
  if ('reader' in input) return yauzl.fromRandomAccessReaderPromise(input.reader, input.size, OPEN_OPTIONS);
  const { size } = await input.backend.stat(input.path, signal === undefined ? {} : { signal });
  return yauzl.fromRandomAccessReaderPromise(new BackendZipReader(input.backend, input.path, size, signal), size, OPEN_OPTIONS);
}
