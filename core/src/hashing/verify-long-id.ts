import { timingSafeEqual } from 'node:crypto';
import type { CatalogEntry } from '../catalog/entry.js';
import { StowageError } from '../stowage-error.js';
import { computeLongId, type LongIdContents } from './compute-long-id.js';
import { isLongId, toIsoMillis } from './long-id-format.js';

/** The fields of a catalog entry that go into its long id. */
export type LongIdEntry = Pick<CatalogEntry, 'id' | 'position' | 'createdAt' | 'plannedPath' | 'author'>;

function invalid(message: string): StowageError {
  return new StowageError('STOWAGE_INVALID_ARGUMENT', message);
}

/**
 * Recomputes the long id of the entries of one id from their bytes and compares it with that id
 * (for `fsck` and audits).
 *
 * `entries` may come in any order: they are taken by ascending `position`, and `contents[i]` are
 * the bytes of the i-th entry in that order.
 *
 * Behavior:
 * - Resolves `true` iff the recomputed id equals `entries[0].id`; a changed byte, author, salt,
 *   upload time, planned path or file order gives `false`, as does an id that is not 64
 *   lowercase hex.
 * - `STOWAGE_INVALID_ARGUMENT`: an empty list; entries that disagree on `id`, `createdAt` or
 *   `author`; two entries at one position; a `contents` count other than the entry count; an
 *   invalid `createdAt` date; a lone surrogate in a string.
 * - Errors thrown by a contents stream pass through unchanged.
 *
 * @throws StowageError `STOWAGE_INVALID_ARGUMENT`
 */
export async function verifyLongId(
  entries: readonly LongIdEntry[],
  contents: readonly LongIdContents[],
  salt: Uint8Array | string,
): Promise<boolean> {
  const first = entries[0];
  if (first === undefined) throw invalid('verifyLongId needs at least one entry');
  const uploadedAt = toIsoMillis(first.createdAt);
  for (const entry of entries) {
    if (entry.id !== first.id) throw invalid('The entries belong to different ids');
    if (toIsoMillis(entry.createdAt) !== uploadedAt) throw invalid('The entries have different upload times');
    if (entry.author !== first.author) throw invalid('The entries have different authors');
  }
  if (contents.length !== entries.length) {
    throw invalid(`${entries.length} entries but ${contents.length} contents`);
  }
  const ordered = [...entries].sort((a, b) => a.position - b.position);
  if (ordered.some((entry, index) => index > 0 && entry.position === ordered[index - 1]?.position)) {
    throw invalid('Two entries share a position');
  }
  const files = ordered.map((entry, index) => ({ plannedPath: entry.plannedPath, contents: contents[index] as LongIdContents }));
  const recomputed = await computeLongId({ uploadedAt, files, author: first.author, salt });
  if (!isLongId(first.id)) return false;
  return timingSafeEqual(Buffer.from(recomputed, 'latin1'), Buffer.from(first.id, 'latin1'));
}
