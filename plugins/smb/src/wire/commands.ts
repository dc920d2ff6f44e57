/**
 * Encoders and decoders of the SMB2 request and response bodies the backend uses
 * ([MS-SMB2] §2.2.13-2.2.40). Packets handed to decoders include the 64-byte header, since the
 * offsets inside bodies count from the header's first byte.
 *
 * @packageDocumentation
 */
import { HEADER_SIZE } from './packet.js';

/** Access rights ([MS-SMB2] §2.2.13.1.1). */
export const Access = Object.freeze({
  READ_DATA: 0x0000_0001,
  WRITE_DATA: 0x0000_0002,
  READ_ATTRIBUTES: 0x0000_0080,
  WRITE_ATTRIBUTES: 0x0000_0100,
  DELETE: 0x0001_0000,
  SYNCHRONIZE: 0x0010_0000,
});

/** Share access ([MS-SMB2] §2.2.13). */
export const Share = Object.freeze({ NONE: 0, READ: 1, WRITE: 2, DELETE: 4, ALL: 7 });

/** Create dispositions ([MS-SMB2] §2.2.13). */
export const Disposition = Object.freeze({ OPEN: 1, CREATE: 2, OPEN_IF: 3 });

/** Create options ([MS-SMB2] §2.2.13). */
export const CreateOption = Object.freeze({
  DIRECTORY_FILE: 0x0000_0001,
  NON_DIRECTORY_FILE: 0x0000_0040,
  /** Do not follow a reparse point (a symbolic link on Samba) at the final component. */
  OPEN_REPARSE_POINT: 0x0020_0000,
});

/** File attributes ([MS-FSCC] §2.6). */
export const Attribute = Object.freeze({
  DIRECTORY: 0x0000_0010,
  NORMAL: 0x0000_0080,
  REPARSE_POINT: 0x0000_0400,
});

/** File information classes ([MS-FSCC] §2.4) used with SET_INFO and QUERY_DIRECTORY. */
export const InfoClass = Object.freeze({
  FILE_RENAME: 10,
  FILE_DISPOSITION: 13,
  FILE_ID_BOTH_DIRECTORY: 0x25,
  FS_FULL_SIZE: 7,
});

/** What a CREATE response says about the opened file. */
export interface OpenedFile {
  /** The 16-byte handle. */
  readonly fileId: Buffer;
  readonly size: number;
  readonly attributes: number;
  readonly creationTime: bigint;
  readonly lastWriteTime: bigint;
  readonly changeTime: bigint;
  /** The server's on-disk file id (inode and volume), when it answered the `QFid` context. */
  readonly diskId: Buffer | undefined;
}

/** One entry of a directory listing (FileIdBothDirectoryInformation). */
export interface DirectoryEntry {
  readonly name: string;
  readonly size: number;
  readonly attributes: number;
  readonly creationTime: bigint;
  readonly lastWriteTime: bigint;
  readonly changeTime: bigint;
  /** The server's 8-byte file id (the inode number on Samba). */
  readonly fileIndex: Buffer;
}

/** Parameters of a CREATE request. */
export interface CreateParameters {
  /** The share-relative path, backslash-separated, without a leading backslash; `""` is the share root. */
  readonly path: string;
  readonly access: number;
  readonly share: number;
  readonly disposition: number;
  readonly options: number;
  readonly attributes?: number;
  /** Ask for the on-disk file id (the `QFid` create context). */
  readonly queryDiskId?: boolean;
}

const CREATE_FIXED = 56;
const QFID_CONTEXT = (() => {
  const context = Buffer.alloc(24);
  context.writeUInt16LE(16, 4); // NameOffset
  context.writeUInt16LE(4, 6); // NameLength
  context.write('QFid', 16, 'latin1');
  return context.subarray(0, 20);
})();

function align8(value: number): number {
  return (value + 7) & ~7;
}

/** Encodes a CREATE request body. */
export function encodeCreate(parameters: CreateParameters): Buffer {
  const name = Buffer.from(parameters.path, 'utf16le');
  const contexts = parameters.queryDiskId === true ? QFID_CONTEXT : Buffer.alloc(0);
  const nameEnd = CREATE_FIXED + Math.max(name.length, 1);
  const contextsAt = contexts.length === 0 ? 0 : align8(HEADER_SIZE + nameEnd) - HEADER_SIZE;
  const body = Buffer.alloc(contexts.length === 0 ? nameEnd : contextsAt + contexts.length);
  body.writeUInt16LE(57, 0);
  body.writeUInt32LE(2, 4); // ImpersonationLevel: Impersonation
  body.writeUInt32LE(parameters.access, 24);
  body.writeUInt32LE(parameters.attributes ?? 0, 28);
  body.writeUInt32LE(parameters.share, 32);
  body.writeUInt32LE(parameters.disposition, 36);
  body.writeUInt32LE(parameters.options, 40);
  body.writeUInt16LE(HEADER_SIZE + CREATE_FIXED, 44);
  body.writeUInt16LE(name.length, 46);
  if (contexts.length > 0) {
    body.writeUInt32LE(HEADER_SIZE + contextsAt, 48);
    body.writeUInt32LE(contexts.length, 52);
    contexts.copy(body, contextsAt);
  }
  name.copy(body, CREATE_FIXED);
  return body;
}

function diskIdOf(packet: Buffer, offset: number, length: number): Buffer | undefined {
  let at = offset;
  const end = offset + length;
  while (length > 0 && at + 16 <= end) {
    const next = packet.readUInt32LE(at);
    const nameOffset = packet.readUInt16LE(at + 4);
    const nameLength = packet.readUInt16LE(at + 6);
    const dataOffset = packet.readUInt16LE(at + 10);
    const dataLength = packet.readUInt32LE(at + 12);
    if (packet.toString('latin1', at + nameOffset, at + nameOffset + nameLength) === 'QFid' && dataLength >= 16) {
      return Buffer.from(packet.subarray(at + dataOffset, at + dataOffset + 16));
    }
    if (next === 0) break;
    at += next;
  }
  return undefined;
}

/** Decodes a CREATE response. */
export function decodeCreate(packet: Buffer): OpenedFile {
  const b = HEADER_SIZE;
  return {
    creationTime: packet.readBigUInt64LE(b + 8),
    lastWriteTime: packet.readBigUInt64LE(b + 24),
    changeTime: packet.readBigUInt64LE(b + 32),
    size: Number(packet.readBigUInt64LE(b + 48)),
    attributes: packet.readUInt32LE(b + 56),
    fileId: Buffer.from(packet.subarray(b + 64, b + 80)),
    diskId: diskIdOf(packet, packet.readUInt32LE(b + 80), packet.readUInt32LE(b + 84)),
  };
}

/** Encodes a CLOSE request body. */
export function encodeClose(fileId: Buffer): Buffer {
  const body = Buffer.alloc(24);
  body.writeUInt16LE(24, 0);
  fileId.copy(body, 8);
  return body;
}

/** Encodes a FLUSH request body (the server writes the file's data to stable storage). */
export function encodeFlush(fileId: Buffer): Buffer {
  const body = Buffer.alloc(24);
  body.writeUInt16LE(24, 0);
  fileId.copy(body, 8);
  return body;
}

/** Encodes a READ request body. */
export function encodeRead(fileId: Buffer, offset: number, length: number): Buffer {
  const body = Buffer.alloc(49);
  body.writeUInt16LE(49, 0);
  body.writeUInt8(0x50, 2);
  body.writeUInt32LE(length, 4);
  body.writeBigUInt64LE(BigInt(offset), 8);
  fileId.copy(body, 16);
  return body;
}

/** The bytes of a READ response (a view into the packet). */
export function decodeRead(packet: Buffer): Buffer {
  const dataOffset = packet.readUInt8(HEADER_SIZE + 2);
  const dataLength = packet.readUInt32LE(HEADER_SIZE + 4);
  return packet.subarray(dataOffset, dataOffset + dataLength);
}

/** Encodes a WRITE request body carrying `data`. */
export function encodeWrite(fileId: Buffer, offset: number, data: Uint8Array): Buffer {
  const body = Buffer.alloc(48 + data.byteLength);
  body.writeUInt16LE(49, 0);
  body.writeUInt16LE(HEADER_SIZE + 48, 2);
  body.writeUInt32LE(data.byteLength, 4);
  body.writeBigUInt64LE(BigInt(offset), 8);
  fileId.copy(body, 16);
  body.set(data, 48);
  return body;
}

/** How many bytes a WRITE response says were written. */
export function decodeWrite(packet: Buffer): number {
  return packet.readUInt32LE(HEADER_SIZE + 4);
}

/** Encodes a SET_INFO request body (file information). */
export function encodeSetInfo(fileId: Buffer, infoClass: number, info: Buffer): Buffer {
  const body = Buffer.alloc(32 + info.length);
  body.writeUInt16LE(33, 0);
  body.writeUInt8(1, 2); // SMB2_0_INFO_FILE
  body.writeUInt8(infoClass, 3);
  body.writeUInt32LE(info.length, 4);
  body.writeUInt16LE(HEADER_SIZE + 32, 8);
  fileId.copy(body, 16);
  info.copy(body, 32);
  return body;
}

/** FileRenameInformation ([MS-FSCC] §2.4.37) for SMB2: the new share-relative path. */
export function renameInformation(path: string, replace: boolean): Buffer {
  const name = Buffer.from(path, 'utf16le');
  const info = Buffer.alloc(20 + name.length);
  info.writeUInt8(replace ? 1 : 0, 0);
  info.writeUInt32LE(name.length, 16);
  name.copy(info, 20);
  return info;
}

/** FileDispositionInformation ([MS-FSCC] §2.4.11): delete when the last handle closes, or not. */
export function dispositionInformation(deletePending: boolean): Buffer {
  return Buffer.from([deletePending ? 1 : 0]);
}

/** Encodes a QUERY_INFO request body. */
export function encodeQueryInfo(fileId: Buffer, infoType: number, infoClass: number, outputLength: number): Buffer {
  const body = Buffer.alloc(41);
  body.writeUInt16LE(41, 0);
  body.writeUInt8(infoType, 2);
  body.writeUInt8(infoClass, 3);
  body.writeUInt32LE(outputLength, 4);
  fileId.copy(body, 24);
  return body;
}

/** The output buffer of a QUERY_INFO or QUERY_DIRECTORY response. */
export function decodeOutputBuffer(packet: Buffer): Buffer {
  const offset = packet.readUInt16LE(HEADER_SIZE + 2);
  const length = packet.readUInt32LE(HEADER_SIZE + 4);
  return packet.subarray(offset, offset + length);
}

/** Encodes a QUERY_DIRECTORY request body (FileIdBothDirectoryInformation, pattern `*`). */
export function encodeQueryDirectory(fileId: Buffer, restart: boolean, outputLength: number): Buffer {
  const pattern = Buffer.from('*', 'utf16le');
  const body = Buffer.alloc(32 + pattern.length);
  body.writeUInt16LE(33, 0);
  body.writeUInt8(InfoClass.FILE_ID_BOTH_DIRECTORY, 2);
  body.writeUInt8(restart ? 0x01 : 0, 3);
  fileId.copy(body, 8);
  body.writeUInt16LE(HEADER_SIZE + 32, 24);
  body.writeUInt16LE(pattern.length, 26);
  body.writeUInt32LE(outputLength, 28);
  pattern.copy(body, 32);
  return body;
}

/** Decodes the entries of a FileIdBothDirectoryInformation buffer ([MS-FSCC] §2.4.17). */
export function decodeDirectoryEntries(buffer: Buffer): DirectoryEntry[] {
  const entries: DirectoryEntry[] = [];
  let at = 0;
  while (at + 104 <= buffer.length) {
    const next = buffer.readUInt32LE(at);
    const nameLength = buffer.readUInt32LE(at + 60);
    entries.push({
      creationTime: buffer.readBigUInt64LE(at + 8),
      lastWriteTime: buffer.readBigUInt64LE(at + 24),
      changeTime: buffer.readBigUInt64LE(at + 32),
      size: Number(buffer.readBigUInt64LE(at + 40)),
      attributes: buffer.readUInt32LE(at + 56),
      fileIndex: Buffer.from(buffer.subarray(at + 96, at + 104)),
      name: buffer.toString('utf16le', at + 104, at + 104 + nameLength),
    });
    if (next === 0) break;
    at += next;
  }
  return entries;
}

/** A FILETIME (100 ns ticks since 1601) as a `Date`. */
export function dateOfFileTime(ticks: bigint): Date {
  return new Date(Number((ticks - 116_444_736_000_000_000n) / 10_000n));
}
