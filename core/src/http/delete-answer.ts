import type { EntryKey } from '../catalog/entry.js';
import type { Stowage } from '../media/stowage.js';
import type { Principal } from '../policies/index.js';
import { jsonErrorAnswer, type HttpAnswer } from './http-answer.js';

/**
 * `DELETE <prefix>/<id>/<filename>`: removes the entry if the caller may modify it.
 *
 * Behavior: `204 No Content` (with `Cache-Control: no-store`) once the entry is gone from the
 * catalog; its blob goes later, with `sweep`, so a delete never races a concurrent upload of the
 * same bytes. An unknown, already removed or hidden entry is the 404 of a read (a repeated
 * DELETE is a 404, not a second 204); an anonymous caller who may not modify it is 401, a known
 * one 403. The filename is compared after NFC normalization, like a read.
 *
 * Errors (thrown, answered by the caller): `STOWAGE_UNAUTHENTICATED`, `STOWAGE_FORBIDDEN`, and
 * catalog or backend codes.
 */
export async function deleteAnswer(
  stowage: Stowage,
  key: EntryKey,
  principal: Principal | null,
  signal: AbortSignal | undefined,
): Promise<HttpAnswer> {
  const { removed } = await stowage.remove(
    { id: key.id, filename: key.filename },
    { principal, ...(signal === undefined ? {} : { signal }) },
  );
  if (removed.length === 0) return jsonErrorAnswer('STOWAGE_NOT_FOUND', 'No such entry');
  return { status: 204, headers: { 'cache-control': 'no-store' } };
}
