import type { BackendEntry } from '@stowage/core';
import { Attribute, dateOfFileTime } from './wire/commands.js';

/** What the server reports about a file or directory, from an open or a listing. */
export interface ServerFacts {
  readonly attributes: number;
  readonly size: number;
  readonly lastWriteTime: bigint;
  /** The server's file id (the inode on Samba): 8 bytes, or more of which the first 8 count. */
  readonly fileIndex: Buffer | undefined;
}

/** Whether the server describes a directory. */
export function isDirectory(facts: { readonly attributes: number }): boolean {
  return (facts.attributes & Attribute.DIRECTORY) !== 0;
}

/** Whether the server describes a reparse point (a symbolic link on Samba), which is never followed or listed. */
export function isReparsePoint(facts: { readonly attributes: number }): boolean {
  return (facts.attributes & Attribute.REPARSE_POINT) !== 0;
}

/**
 * The entry of a file or directory. The etag joins the file id, the size and the write time
 * (100 ns ticks): every committed write renames a new file into place, so the file id changes
 * with every write even when size and time do not.
 */
export function entryOf(path: string, facts: ServerFacts): BackendEntry {
  const modifiedAt = dateOfFileTime(facts.lastWriteTime);
  if (isDirectory(facts)) return { path, kind: 'directory', size: 0, modifiedAt };
  const id = facts.fileIndex === undefined ? '0' : facts.fileIndex.readBigUInt64LE(0).toString(16);
  return {
    path,
    kind: 'file',
    size: facts.size,
    modifiedAt,
    etag: `"${id}-${facts.size.toString(16)}-${facts.lastWriteTime.toString(16)}"`,
  };
}
