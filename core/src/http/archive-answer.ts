import { archiveFolder } from '../archive/index.js';
import type { Stowage } from '../media/stowage.js';
import type { Principal } from '../policies/index.js';
import { dispositionOf } from './entry-headers.js';
import type { HttpAnswer } from './http-answer.js';

/** What a folder-like's zip needs to know about the request. */
export interface ArchiveRequest {
  readonly method: 'GET' | 'HEAD';
  readonly principal: Principal | null;
  readonly signal: AbortSignal | undefined;
}

/**
 * `GET`/`HEAD <prefix>/<id>.zip`: the members of the folder-like the caller may read, as one
 * store-only zip streamed member by member (`archiveFolder`), with an exact `Content-Length`.
 *
 * Behavior: the decision order of a read (unknown or hidden → 404, nothing readable → the 401 or
 * 403 of the first member); unexported members of an imported task folder never appear; ranges
 * are not offered (`Accept-Ranges: none`); `Cache-Control: private, no-store` when any member is
 * private, else `no-cache` (membership can shrink when a member is removed, so the zip is not
 * immutable); `attachment; filename="<id>.zip"`. A member that fails mid-stream breaks the
 * response instead of ending it short. HEAD builds the same answer and reads no byte.
 *
 * Errors (thrown, answered by the caller): `STOWAGE_NOT_FOUND`, `STOWAGE_UNAUTHENTICATED`,
 * `STOWAGE_FORBIDDEN`, and catalog codes.
 */
export async function archiveAnswer(stowage: Stowage, id: string, request: ArchiveRequest): Promise<HttpAnswer> {
  const media = { principal: request.principal, ...(request.signal === undefined ? {} : { signal: request.signal }) };
  const members = await stowage.list(id, media);
  const zip = await archiveFolder(stowage, id, media);
  const headers: Record<string, string> = {
    'content-type': 'application/zip',
    'content-disposition': dispositionOf(`${id}.zip`, false),
    'x-content-type-options': 'nosniff',
    'accept-ranges': 'none',
    'cache-control': members.some((entry) => entry.visibility !== 'public') ? 'private, no-store' : 'no-cache',
  };
  if (zip.size !== undefined) headers['content-length'] = String(zip.size);
  if (request.method === 'HEAD') {
    zip.stream.destroy();
    return { status: 200, headers };
  }
  return { status: 200, headers, body: { stream: zip.stream, ...(zip.size === undefined ? {} : { length: zip.size }) } };
}
