/**
 * The archive stages: streaming zips out of backends and folder-likes (yazl), extracting zips
 * safely all or nothing (yauzl), and importing task folders whose unexported files are stored but
 * never served.
 *
 * @packageDocumentation
 */
export { ARCHIVE_EPOCH, archive, type ArchiveOptions, type ArchiveResult } from './archive.js';
export { planArchive, type ArchiveEntry, type PlannedItem, type PlanOptions } from './archive-plan.js';
export { storedArchiveSize, type SizedItem } from './archive-size.js';
export { compareOrdinal, dedupeNames, numberedName, sanitizeArchiveName, UNNAMED } from './archive-names.js';
export {
  ARCHIVE_RULES,
  archiveRejected,
  archiveRejectionOf,
  type ArchiveRejection,
  type ArchiveRule,
} from './archive-rejection.js';
export { archiveFolder, backendArchiveEntry, backendFolderEntries, folderArchiveEntries } from './archive-sources.js';
export { crc32 } from './crc32.js';
export { checkEntryName, foldName, type ZipMember } from './entry-checks.js';
export {
  extract,
  type ExtractBaseOptions,
  type ExtractIntoStowageOptions,
  type ExtractResult,
  type ExtractWithCommitOptions,
  type MemberPlacement,
  type StagedMember,
} from './extract.js';
export { DEFAULT_EXTRACT_LIMITS, resolveExtractLimits, type ExtractLimits } from './extract-limits.js';
export { importTaskFolder, type TaskFolderImport, type TaskFolderMember, type TaskFolderOptions } from './task-folder.js';
export {
  hasUnservedGuards,
  hideUnservedListStage,
  hideUnservedReplacementStage,
  hideUnservedStage,
  hideUnservedTargetStage,
  installUnservedGuards,
  isUnserved,
  markUnserved,
  UNSERVED_PARAMETER,
  UNSERVED_STAGE_NAMES,
} from './unserved.js';
export { BackendZipReader, READ_WINDOW_BYTES, type ZipInput } from './zip-input.js';
