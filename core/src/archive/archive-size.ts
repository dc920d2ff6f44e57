const LOCAL_HEADER = 30;
const DATA_DESCRIPTOR = 16;
const ZIP64_DATA_DESCRIPTOR = 24;
const CENTRAL_RECORD = 46;
const ZIP64_EXTRA = 28;
const END_RECORD = 22;
const ZIP64_END_RECORD_AND_LOCATOR = 56 + 20;
const MAX_32 = 0xfffffffe;

/** One item of a store-only archive as laid out by yazl. */
export interface SizedItem {
  /** The entry name as written (directories end with `/`). */
  readonly name: string;
  /** The stored bytes; `undefined` for a directory entry. */
  readonly size: number | undefined;
}

/**
 * The exact byte length yazl writes for a store-only archive of `items` (in order) with DOS
 * timestamps only and no comments: the layout of yazl 3.3's writer, recomputed.
 *
 * yazl's own `calculatedTotalSizeCallback` is not used: it counts the zip64 end records as soon
 * as the central directory reaches 64 KiB, while the writer adds them only at 4 GiB (or 65 535
 * entries), so its prediction of an archive of some thousands of files is 76 bytes too large, and
 * a `Content-Length` built from it never completes.
 *
 * - File: local header (30 + name) + bytes + data descriptor (16; 24 in zip64); central record
 *   46 + name, plus the zip64 extra field (28) in zip64. An entry is zip64 when forced, over
 *   0xfffffffe bytes, or starting past offset 0xfffffffe.
 * - Directory: local header (30 + name), no descriptor; its central record is zip64 only by offset.
 * - End: 22 bytes, preceded by the zip64 end record and locator (76) when forced, with 65 535
 *   entries or more, or when the central directory's size or offset reaches 0xffffffff.
 */
export function storedArchiveSize(items: readonly SizedItem[], forceZip64: boolean): number {
  let cursor = 0;
  let central = 0;
  for (const item of items) {
    const nameBytes = Buffer.byteLength(item.name);
    const zip64 = (item.size !== undefined && (forceZip64 || item.size > MAX_32)) || cursor > MAX_32;
    cursor += LOCAL_HEADER + nameBytes;
    if (item.size !== undefined) cursor += item.size + (zip64 ? ZIP64_DATA_DESCRIPTOR : DATA_DESCRIPTOR);
    central += CENTRAL_RECORD + nameBytes + (zip64 ? ZIP64_EXTRA : 0);
  }
  const zip64End = forceZip64 || items.length >= 0xffff || central >= 0xffffffff || cursor >= 0xffffffff;
  return cursor + central + (zip64End ? ZIP64_END_RECORD_AND_LOCATOR : 0) + END_RECORD;
}
