import { deflateRawSync } from 'node:zlib';
import { crc32 } from '../../../src/archive/index.js';

/**
 * One entry of a hand-written zip. Every field a hostile archive lies about can be set; the
 * defaults give a valid stored (or deflated) UTF-8 entry.
 */
export interface RawEntry {
  /** The central-directory name (string → UTF-8 bytes). */
  readonly name: string | Buffer;
  /** The local header's name; the central name when absent. */
  readonly localName?: string | Buffer;
  /** The inflated content. @defaultValue empty */
  readonly data?: Buffer;
  /** 0 stored, 8 deflate, anything else written as is. @defaultValue 0 */
  readonly method?: number;
  readonly localMethod?: number;
  /** The bytes written as file data; the stored or deflated `data` when absent. */
  readonly fileData?: Buffer;
  readonly crc32?: number;
  readonly uncompressedSize?: number;
  readonly compressedSize?: number;
  /** General purpose flags. @defaultValue 0x800 (UTF-8 names) */
  readonly flags?: number;
  readonly localFlags?: number;
  /** External attributes (Unix mode in the high 16 bits). @defaultValue regular file 0644 */
  readonly externalAttributes?: number;
  /** @defaultValue Unix (3), spec 2.0 */
  readonly versionMadeBy?: number;
  readonly extra?: Buffer;
  readonly localExtra?: Buffer;
  /** The local header offset written in the central directory, overriding the real one. */
  readonly offset?: number;
  /** Write no local header or data for this entry (its `offset` points at another one's). */
  readonly noLocal?: boolean;
}

/** Options of {@link buildZip}. */
export interface RawZipOptions {
  readonly comment?: Buffer;
  /** The EOCD's "number of this disk". */
  readonly diskNumber?: number;
  /** The entry count written in the EOCD (and a zip64 EOCD when over 0xffff). */
  readonly entryCount?: number;
}

const UNIX_REGULAR = (0o100644 << 16) >>> 0;

function bytes(value: string | Buffer): Buffer {
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
}

/** The file data of an entry and its real compressed form. */
function fileDataOf(entry: RawEntry): Buffer {
  if (entry.fileData !== undefined) return entry.fileData;
  const data = entry.data ?? Buffer.alloc(0);
  return (entry.method ?? 0) === 8 ? deflateRawSync(data) : data;
}

/** Writes a zip byte for byte as told: the tool for fixtures yazl would refuse to produce. */
export function buildZip(entries: readonly RawEntry[], options: RawZipOptions = {}): Buffer {
  const parts: Buffer[] = [];
  let cursor = 0;
  const offsets: number[] = [];
  for (const entry of entries) {
    offsets.push(cursor);
    if (entry.noLocal === true) continue;
    const data = entry.data ?? Buffer.alloc(0);
    const fileData = fileDataOf(entry);
    const name = bytes(entry.localName ?? entry.name);
    const extra = entry.localExtra ?? Buffer.alloc(0);
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(entry.localFlags ?? entry.flags ?? 0x800, 6);
    header.writeUInt16LE(entry.localMethod ?? entry.method ?? 0, 8);
    header.writeUInt16LE(0, 10);
    header.writeUInt16LE(0x21, 12);
    header.writeUInt32LE(entry.crc32 ?? crc32(data), 14);
    header.writeUInt32LE(entry.compressedSize ?? fileData.length, 18);
    header.writeUInt32LE(entry.uncompressedSize ?? data.length, 22);
    header.writeUInt16LE(name.length, 26);
    header.writeUInt16LE(extra.length, 28);
    parts.push(header, name, extra, fileData);
    cursor += 30 + name.length + extra.length + fileData.length;
  }
  const centralStart = cursor;
  entries.forEach((entry, index) => {
    const data = entry.data ?? Buffer.alloc(0);
    const fileData = fileDataOf(entry);
    const name = bytes(entry.name);
    const extra = entry.extra ?? Buffer.alloc(0);
    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE(entry.versionMadeBy ?? (3 << 8) | 20, 4);
    header.writeUInt16LE(20, 6);
    header.writeUInt16LE(entry.flags ?? 0x800, 8);
    header.writeUInt16LE(entry.method ?? 0, 10);
    header.writeUInt16LE(0, 12);
    header.writeUInt16LE(0x21, 14);
    header.writeUInt32LE(entry.crc32 ?? crc32(data), 16);
    header.writeUInt32LE(entry.compressedSize ?? fileData.length, 20);
    header.writeUInt32LE(entry.uncompressedSize ?? data.length, 24);
    header.writeUInt16LE(name.length, 28);
    header.writeUInt16LE(extra.length, 30);
    header.writeUInt16LE(0, 32);
    header.writeUInt16LE(0, 34);
    header.writeUInt16LE(0, 36);
    header.writeUInt32LE(entry.externalAttributes ?? UNIX_REGULAR, 38);
    header.writeUInt32LE(entry.offset ?? (offsets[index] as number), 42);
    parts.push(header, name, extra);
    cursor += 46 + name.length + extra.length;
  });
  const centralSize = cursor - centralStart;
  const count = options.entryCount ?? entries.length;
  if (count > 0xffff) {
    const zip64 = Buffer.alloc(56);
    zip64.writeUInt32LE(0x06064b50, 0);
    zip64.writeBigUInt64LE(44n, 4);
    zip64.writeUInt16LE(45, 12);
    zip64.writeUInt16LE(45, 14);
    zip64.writeBigUInt64LE(BigInt(count), 24);
    zip64.writeBigUInt64LE(BigInt(count), 32);
    zip64.writeBigUInt64LE(BigInt(centralSize), 40);
    zip64.writeBigUInt64LE(BigInt(centralStart), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeBigUInt64LE(BigInt(cursor), 8);
    locator.writeUInt32LE(1, 16);
    parts.push(zip64, locator);
  }
  const comment = options.comment ?? Buffer.alloc(0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(options.diskNumber ?? 0, 4);
  end.writeUInt16LE(0, 6);
  end.writeUInt16LE(Math.min(count, 0xffff), 8);
  end.writeUInt16LE(Math.min(count, 0xffff), 10);
  end.writeUInt32LE(count > 0xffff ? 0xffffffff : centralSize, 12);
  end.writeUInt32LE(count > 0xffff ? 0xffffffff : centralStart, 16);
  end.writeUInt16LE(comment.length, 20);
  parts.push(end, comment);
  return Buffer.concat(parts);
}

/** A Unix mode as external attributes. */
export function unixMode(mode: number): number {
  return (mode << 16) >>> 0;
}

/** An extra field: header id, size, data. */
export function extraField(id: number, data: Buffer): Buffer {
  const header = Buffer.alloc(4);
  header.writeUInt16LE(id, 0);
  header.writeUInt16LE(data.length, 2);
  return Buffer.concat([header, data]);
}
