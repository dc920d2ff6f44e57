import type { Backend } from '../backend.js';
import { StowageError } from '../stowage-error.js';

/** The content-addressed path of a blob: `<blobs>/<ab>/<cd>/<sha256>`. */
export function blobPathOf(blobs: string, sha256: string): string {
  return `${blobs}/${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}`;
}

/** Where the bytes of file `index` of an upload arrive: `<staging>/<upload id>/<index>`. */
export function stagingPathOf(staging: string, uploadId: string, index: number): string {
  return `${staging}/${uploadId}/${index}`;
}

/** The `plannedPath` hashed into a long id: `<backend name>:<path>`. */
export function plannedPathOf(backend: string, path: string): string {
  return `${backend}:${path}`;
}

/**
 * Moves bytes within one backend: `rename` when the backend has it (atomic, replacing), else
 * `copy` then delete, else a streamed read and write then delete. The source is gone afterwards.
 */
export async function moveWithin(backend: Backend, from: string, to: string, signal?: AbortSignal): Promise<void> {
  const options = signal === undefined ? {} : { signal };
  if (backend.rename !== undefined) {
    await backend.rename(from, to, options);
    return;
  }
  if (backend.copy !== undefined) {
    await backend.copy(from, to, options);
  } else {
    const { stream, entry } = await backend.read(from, options);
    await backend.write(to, stream, { ...options, size: entry.size });
  }
  await backend.delete(from, options);
}

/** Throws `STOWAGE_INTERNAL` when a value the code relies on is absent. */
export function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new StowageError('STOWAGE_INTERNAL', `${what} is missing`);
  return value;
}
