import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Backend } from '../backend.js';
import type { Stowage } from '../media/stowage.js';
import type { PutFile, PutOptions, PutResult } from '../media/types.js';
import { normalizePath } from '../path.js';
import { isStowageError, StowageError } from '../stowage-error.js';
import { archiveRejected } from './archive-rejection.js';
import { openCheckedZip, type CheckedZip } from './checked-zip.js';
import { foldName, type ZipMember } from './entry-checks.js';
import { resolveExtractLimits, type ExtractLimits } from './extract-limits.js';
import type { ZipInput } from './zip-input.js';

/** Options every extraction takes. */
export interface ExtractBaseOptions {
  /** Over {@link DEFAULT_EXTRACT_LIMITS}. */
  readonly limits?: Partial<ExtractLimits>;
  /** Aborting rejects with `STOWAGE_ABORTED`; nothing is stored. */
  readonly signal?: AbortSignal;
}

/** How one member is stored in the folder-like; `null` leaves it out. */
export interface MemberPlacement {
  /** One filename (no `/`): folder-likes are flat. */
  readonly filename: string;
  /** The media type; guessed from the filename when absent. */
  readonly contentType?: string;
}

/** {@link extract} into a Stowage folder-like. */
export interface ExtractIntoStowageOptions extends ExtractBaseOptions {
  readonly stowage: Stowage;
  /** Options of the put (principal, visibility, readers, ...); its signal is the extraction's. */
  readonly put?: Omit<PutOptions, 'signal'>;
  /**
   * Where each file member goes. @defaultValue its last path segment (the folder is flattened).
   * Two members placed under names equal after NFC and case folding are `flatten-collision`.
   */
  readonly describe?: (member: ZipMember) => MemberPlacement | null;
}

/** {@link extract} staged, then handed to a commit of the caller's. */
export interface ExtractWithCommitOptions<T> extends ExtractBaseOptions {
  /** Where every member is inflated and verified before `commit` sees any. */
  readonly staging: { readonly backend: Backend; /** @defaultValue `'extract-staging'` */ readonly folder?: string };
  /** Receives the verified files (and the directory paths); its result is the extraction's. */
  readonly commit: (files: readonly StagedMember[], directories: readonly string[]) => Promise<T>;
}

/** A verified file member in staging. */
export interface StagedMember extends ZipMember {
  /** Reads the staged bytes (valid until `commit` settles). */
  open(): Promise<Readable>;
}

/** What {@link extract} into Stowage answers. */
export interface ExtractResult {
  readonly put: PutResult;
  /** The stored members, in put order: where each came from and its filename. */
  readonly members: readonly { readonly path: string; readonly filename: string; readonly size: number }[];
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

async function intoStowage(zip: CheckedZip, options: ExtractIntoStowageOptions): Promise<ExtractResult> {
  const describe = options.describe ?? ((member: ZipMember): MemberPlacement => ({ filename: baseName(member.path) }));
  const chosen: { member: ZipMember; placement: MemberPlacement }[] = [];
  const taken = new Set<string>();
  for (const member of zip.members) {
    if (member.directory) continue;
    const placement = describe(member);
    if (placement === null) continue;
    const folded = foldName(placement.filename);
    if (taken.has(folded)) throw archiveRejected('flatten-collision', 'two members would be stored under the same filename', member.path);
    taken.add(folded);
    chosen.push({ member, placement });
  }
  if (chosen.length === 0) throw archiveRejected('empty-archive', 'the archive holds no file to store');
  const files: PutFile[] = chosen.map(({ member, placement }) => ({
    filename: placement.filename,
    source: zip.bytesOf(member),
    size: member.size,
    ...(placement.contentType === undefined ? {} : { contentType: placement.contentType }),
  }));
  const put = await options.stowage.put(files, { ...options.put, ...(options.signal === undefined ? {} : { signal: options.signal }) });
  return Object.freeze({
    put,
    members: Object.freeze(chosen.map(({ member, placement }) => Object.freeze({ path: member.path, filename: placement.filename, size: member.size }))),
  });
}

async function throughStaging<T>(zip: CheckedZip, options: ExtractWithCommitOptions<T>): Promise<T> {
  const { backend } = options.staging;
  const folder = `${normalizePath(options.staging.folder ?? 'extract-staging')}/${randomBytes(16).toString('hex')}`;
  const signalOption = options.signal === undefined ? {} : { signal: options.signal };
  try {
    const files: StagedMember[] = [];
    const members = zip.members.filter((member) => !member.directory);
    for (const [index, member] of members.entries()) {
      const path = `${folder}/${index}`;
      await backend.write(path, zip.bytesOf(member), { size: member.size, ...signalOption });
      files.push(Object.freeze({ ...member, open: async () => (await backend.read(path, signalOption)).stream }));
    }
    zip.close();
    const directories = zip.members.filter((member) => member.directory).map((member) => member.path);
    return await options.commit(Object.freeze(files), Object.freeze(directories));
  } finally {
    try {
      await backend.delete(folder, { recursive: true });
    } catch (error) {
      // A leftover staging folder holds no committed data; only programming errors surface.
      if (!isStowageError(error)) throw error;
    }
  }
}

/**
 * Extracts a zip all or nothing, safely (RELIABILITY.md Z1-Z19).
 *
 * Behavior:
 * - Reads with yauzl (`lazyEntries`, `strictFileNames`, `validateEntrySizes`) from a file, a
 *   buffer, a random-access reader or a backend file ({@link ZipInput}); never from a stream.
 * - Before any byte is inflated: the entry count, every name (no absolute path, `..`, `.`, empty
 *   segment, backslash, control character, over-long name), no symlink, hardlink or special file,
 *   no encryption, only stored or deflate, sound extra fields, declared sizes within the limits,
 *   no duplicate or NFC/case-fold-colliding names, local headers agreeing with the central
 *   directory, no overlapping entries. Nested archives are stored as files, never opened.
 * - While inflating: actual sizes, the total, the ratio and the CRC-32 are checked.
 * - Into Stowage (`options.stowage`): the file members (directories are dropped, the folder is
 *   flattened, see `describe`) stream into one `stowage.put`, which stages and commits all or
 *   nothing: on any rejection nothing is referenced and the put's staging is removed.
 * - With a commit (`options.staging` + `options.commit`): every member is inflated into a fresh
 *   staging folder first; `commit` is called only when all passed; the staging folder is
 *   removed afterwards in every case.
 *
 * Errors: `STOWAGE_REJECTED` (422) with the {@link ArchiveRule} in `context.rule` (see
 * {@link archiveRejectionOf}); `STOWAGE_INVALID_ARGUMENT` for bad options or limits; the put's
 * codes (`STOWAGE_INVALID_PATH` for a `describe` result that is not one filename,
 * `STOWAGE_TOO_LARGE`, ...); storage codes (`STOWAGE_INSUFFICIENT_STORAGE`, ...);
 * `STOWAGE_ABORTED`; whatever `commit` throws.
 */
export function extract(zip: ZipInput, options: ExtractIntoStowageOptions): Promise<ExtractResult>;
export function extract<T>(zip: ZipInput, options: ExtractWithCommitOptions<T>): Promise<T>;
export async function extract<T>(zip: ZipInput, options: ExtractIntoStowageOptions | ExtractWithCommitOptions<T>): Promise<ExtractResult | T> {
  if (typeof options !== 'object' || options === null) throw new StowageError('STOWAGE_INVALID_ARGUMENT', 'options must be an object');
  if (typeof zip !== 'object' || zip === null) throw new StowageError('STOWAGE_INVALID_ARGUMENT', 'the zip input must be an object');
  const intoStowageMode = 'stowage' in options;
  if (!intoStowageMode && (typeof options.commit !== 'function' || typeof options.staging?.backend !== 'object')) {
    throw new StowageError('STOWAGE_INVALID_ARGUMENT', 'extract needs options.stowage, or options.staging and options.commit');
  }
  const limits = resolveExtractLimits(options.limits);
  const checked = await openCheckedZip(zip, limits, options.signal);
  try {
    return intoStowageMode ? await intoStowage(checked, options) : await throughStaging(checked, options);
  } finally {
    checked.close();
  }
}
