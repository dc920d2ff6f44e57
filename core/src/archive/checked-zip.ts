import type yauzl from 'yauzl';
import { throwIfAborted } from '../abort.js';
import { isStowageError, StowageError } from '../stowage-error.js';
import { archiveRejected } from './archive-rejection.js';
import { checkCollisions, checkEntry, rejectionOf, type ZipMember } from './entry-checks.js';
import type { ExtractLimits } from './extract-limits.js';
import { memberBytes, type ExtractionState } from './member-bytes.js';
import { checkLayout } from './zip-layout.js';
import { openZip, type ZipInput } from './zip-input.js';

/** A zip whose whole central directory and every local header passed the checks. */
export interface CheckedZip {
  /** Every entry, directories included, in central-directory order. */
  readonly members: readonly ZipMember[];
  /** The member's bytes, verified while inflated (see `memberBytes`); call once per member. */
  bytesOf(member: ZipMember): AsyncGenerator<Uint8Array, void, undefined>;
  /** Destroys the open member streams and closes the archive. Idempotent. */
  close(): void;
}

/** A failure of the local file system (reading a `{ file }` input) as a storage error, not a rejection. */
function systemError(error: unknown): StowageError | undefined {
  const { code, syscall } = (error ?? {}) as { code?: unknown; syscall?: unknown };
  if (typeof code !== 'string' || typeof syscall !== 'string') return undefined;
  if (code === 'ENOENT') return new StowageError('STOWAGE_NOT_FOUND', 'the zip file does not exist', { cause: error });
  if (code === 'EMFILE' || code === 'ENFILE') return new StowageError('STOWAGE_BUSY', 'too many open files', { cause: error, retryAfterMs: 100 });
  return new StowageError('STOWAGE_IO', 'the zip file could not be read', { cause: error });
}

async function readEntries(zipfile: yauzl.ZipFile, limits: ExtractLimits, signal?: AbortSignal): Promise<{ entry: yauzl.Entry; member: ZipMember }[]> {
  const items: { entry: yauzl.Entry; member: ZipMember }[] = [];
  let declared = 0;
  try {
    for await (const entry of zipfile.eachEntry()) {
      throwIfAborted(signal);
      const member = checkEntry(entry, limits);
      declared += member.size;
      if (declared > limits.maxTotalBytes) throw archiveRejected('total-size', 'the entries declare more bytes than allowed', entry.fileName);
      items.push({ entry, member });
    }
  } catch (error) {
    throw rejectionOf(error);
  }
  return items;
}

/**
 * Opens a zip and checks everything that can be checked before inflating: the entry count (before
 * reading any entry), every entry's name, type, encryption, method, extra fields and declared
 * sizes, name collisions, and the layout of the local headers (agreement with the central
 * directory, no overlap). The caller must `close()` the result.
 *
 * Errors: `STOWAGE_REJECTED` naming the rule (see `ArchiveRule`); a backend input's own codes
 * (`STOWAGE_NOT_FOUND`, ...); for a `{ file }` input, `STOWAGE_NOT_FOUND` (no such file),
 * `STOWAGE_BUSY` (EMFILE) or `STOWAGE_IO`; `STOWAGE_ABORTED`.
 */
export async function openCheckedZip(input: ZipInput, limits: ExtractLimits, signal?: AbortSignal): Promise<CheckedZip> {
  throwIfAborted(signal);
  let zipfile: yauzl.ZipFile;
  try {
    zipfile = await openZip(input, signal);
  } catch (error) {
    throw isStowageError(error) ? error : (systemError(error) ?? rejectionOf(error));
  }
  const state: ExtractionState = { inflated: 0, open: new Set() };
  const close = (): void => {
    for (const stream of state.open) stream.destroy();
    state.open.clear();
    zipfile.close();
  };
  try {
    if (zipfile.entryCount > limits.maxEntries) throw archiveRejected('too-many-entries', `the archive has more than ${limits.maxEntries} entries`);
    // yauzl starts reading entries at the central directory: its offset, before any entry is read.
    const centralDirectoryOffset = (zipfile as unknown as { readEntryCursor: number }).readEntryCursor;
    const items = await readEntries(zipfile, limits, signal);
    checkCollisions(items.map(({ entry, member }) => ({ member, name: entry.fileName })));
    await checkLayout(zipfile, items.map((item) => item.entry), centralDirectoryOffset);
    const entries = new Map(items.map((item) => [item.member, item.entry]));
    return Object.freeze({
      members: Object.freeze(items.map((item) => item.member)),
      bytesOf: (member: ZipMember) => memberBytes(zipfile, entries.get(member) as yauzl.Entry, member, limits, state, signal),
      close,
    });
  } catch (error) {
    close();
    throw error;
  }
}
