import type yauzl from 'yauzl';
import { archiveRejected } from './archive-rejection.js';
import { checkExtraFields, rejectionOf } from './entry-checks.js';

const ENCRYPTED = 0x1;

interface Span {
  readonly start: number;
  readonly end: number;
  readonly name: string;
}

/**
 * Checks where the entries' bytes lie, before any is inflated. Each entry's local header is read
 * and must agree with the central directory (same name bytes, method and encryption flag: Z14)
 * and carry sound extra fields; then the spans `[local header, end of data)` sorted by offset must
 * not intersect one another nor the central directory (`overlap`: the non-recursive zip bomb,
 * where many entries share one compressed kernel).
 *
 * Errors: `STOWAGE_REJECTED` with rule `header-mismatch`, `overlap`, `hardlink`,
 * `malformed-extra-field` or `malformed` (an unreadable local header).
 */
export async function checkLayout(zipfile: yauzl.ZipFile, entries: readonly yauzl.Entry[], centralDirectoryOffset: number): Promise<void> {
  const spans: Span[] = [];
  for (const entry of entries) {
    const name = entry.fileName;
    let header: yauzl.LocalFileHeader;
    try {
      header = await zipfile.readLocalFileHeaderPromise(entry);
    } catch (error) {
      throw rejectionOf(error, name);
    }
    if (
      !header.fileName.equals(entry.fileNameRaw) ||
      header.compressionMethod !== entry.compressionMethod ||
      (header.generalPurposeBitFlag & ENCRYPTED) !== (entry.generalPurposeBitFlag & ENCRYPTED)
    ) {
      throw archiveRejected('header-mismatch', 'a local header disagrees with the central directory', name);
    }
    checkExtraFields(header.extraField, name);
    spans.push({ start: entry.relativeOffsetOfLocalHeader, end: header.fileDataStart + entry.compressedSize, name });
  }
  spans.sort((a, b) => a.start - b.start);
  for (let i = 0; i < spans.length; i++) {
    const span = spans[i] as Span;
    const limit = spans[i + 1]?.start ?? centralDirectoryOffset;
    if (span.end > limit) throw archiveRejected('overlap', 'entries overlap one another or the central directory', span.name);
  }
}
