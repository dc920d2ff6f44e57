import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, open, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ByteSource } from '../../backend.js';
import { StowageError } from '../../stowage-error.js';

/** A file part held until the put: its exact size and a way to read it back once. */
export interface SpooledBytes {
  readonly size: number;
  /** The bytes, from memory or from the temp file. */
  open(): ByteSource;
}

/** How much of a request the spool keeps in memory before spilling to disk. */
export interface SpoolMemory {
  /** A file up to this size stays in memory. @defaultValue 64 KiB */
  readonly perFileBytes: number;
  /** All in-memory files of a request together. @defaultValue 1 MiB */
  readonly totalBytes: number;
}

const DEFAULT_MEMORY: SpoolMemory = Object.freeze({ perFileBytes: 64 * 1024, totalBytes: 1024 * 1024 });

/**
 * Where the files of one multipart request wait until `stowage.put` reads them, because `put`
 * needs the whole file list before it reads a byte while multipart delivers the list one file
 * at a time.
 *
 * Behavior:
 * - Small files stay in memory (bounded per file and per request); larger ones spill to a temp
 *   file, written as the bytes arrive, so memory stays flat whatever the body size and disk holds
 *   the body once.
 * - Temp files live in a private directory made by `mkdtemp` (mode 0700, random suffix) under
 *   `parent`, each named by 16 random bytes and created `wx` (O_EXCL, mode 0600): a pre-existing
 *   file or symlink at that name is never followed (EEXIST → a new name).
 * - {@link dispose} removes the directory and everything in it; call it on success and failure.
 */
export class UploadSpool {
  private directory: Promise<string> | undefined;
  private memoryUsed = 0;

  constructor(
    private readonly parent: string = tmpdir(),
    private readonly memory: SpoolMemory = DEFAULT_MEMORY,
  ) {}

  /**
   * Reads `stream` to its end into the spool. `onBytes` sees every chunk's size first and may
   * throw (a limit) to stop the transfer. Rejects with the stream's error or `onBytes`'s.
   */
  async store(stream: AsyncIterable<Uint8Array>, onBytes: (bytes: number) => void): Promise<SpooledBytes> {
    const held: Uint8Array[] = [];
    let size = 0;
    let file: { handle: FileHandle; path: string } | undefined;
    try {
      for await (const chunk of stream) {
        onBytes(chunk.byteLength);
        size += chunk.byteLength;
        if (file === undefined && size <= this.memory.perFileBytes && this.memoryUsed + chunk.byteLength <= this.memory.totalBytes) {
          held.push(chunk);
          this.memoryUsed += chunk.byteLength;
          continue;
        }
        if (file === undefined) {
          file = await this.createFile();
          for (const earlier of held) await writeAll(file.handle, earlier);
          this.memoryUsed -= size - chunk.byteLength;
          held.length = 0;
        }
        await writeAll(file.handle, chunk);
      }
    } finally {
      await file?.handle.close();
    }
    if (file === undefined) return { size, open: () => held };
    const path = file.path;
    return { size, open: () => createReadStream(path) };
  }

  /** Removes the spool's temp directory, if one was made. Never rejects for a missing directory. */
  async dispose(): Promise<void> {
    if (this.directory === undefined) return;
    const directory = await this.directory.catch(() => undefined);
    if (directory !== undefined) await rm(directory, { recursive: true, force: true });
  }

  private async createFile(): Promise<{ handle: FileHandle; path: string }> {
    this.directory ??= mkdtemp(join(this.parent, 'stowage-upload-'));
    const directory = await this.directory.catch((error: unknown) => {
      throw spoolError(error);
    });
    for (let attempt = 0; ; attempt++) {
      const path = join(directory, randomBytes(16).toString('hex'));
      try {
        return { handle: await open(path, 'wx', 0o600), path };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST' && attempt < 3) continue;
        throw spoolError(error);
      }
    }
  }
}

function spoolError(error: unknown): StowageError {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT'
    ? new StowageError('STOWAGE_INSUFFICIENT_STORAGE', 'no space left for the upload spool', { cause: error })
    : new StowageError('STOWAGE_IO', 'the upload spool failed', { cause: error });
}

async function writeAll(handle: FileHandle, chunk: Uint8Array): Promise<void> {
  try {
    for (let offset = 0; offset < chunk.byteLength; ) {
      offset += (await handle.write(chunk, offset)).bytesWritten;
    }
  } catch (error) {
    throw spoolError(error);
  }
}
