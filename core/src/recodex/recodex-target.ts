import { MAX_REQUEST_TARGET_LENGTH } from '../http/media-target.js';
import { isSubmissionId, isTaskHash } from './recodex-names.js';

/**
 * What a request target names under the ReCodEx prefix.
 *
 * - `outside`: not one of the profile's routes (another handler may answer it).
 * - `too-long`: longer than `MAX_REQUEST_TARGET_LENGTH` (414).
 * - `bad-encoding`: an invalid percent-encoding, or a control character once decoded (400).
 * - `malformed`: under one of the route roots, but no resource (a bad id or hash, an extension
 *   other than `.zip`, extra or empty segments): 400 for writes, 404 for reads.
 * - `submission`: `/submissions/<id>`; `archive`: `/submission_archives/<id>.zip`; `result`:
 *   `/results/<id>.zip`; `tasks`: `/tasks` or `/exercises`; `task`: `/tasks/<sha1>` or
 *   `/exercises/<sha1>`.
 */
export type RecodexTarget =
  | { readonly kind: 'outside' }
  | { readonly kind: 'too-long' }
  | { readonly kind: 'bad-encoding' }
  | { readonly kind: 'malformed' }
  | { readonly kind: 'submission'; readonly id: string }
  | { readonly kind: 'archive'; readonly id: string }
  | { readonly kind: 'result'; readonly id: string }
  | { readonly kind: 'tasks' }
  | { readonly kind: 'task'; readonly hash: string };

/** The first path segments the profile answers below its prefix. */
export const RECODEX_ROUTE_ROOTS: readonly string[] = Object.freeze(['submissions', 'submission_archives', 'results', 'tasks', 'exercises']);

const ABSOLUTE_FORM = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
const MALFORMED: RecodexTarget = Object.freeze({ kind: 'malformed' });
const BAD_ENCODING: RecodexTarget = Object.freeze({ kind: 'bad-encoding' });

function pathOf(target: string): string | undefined {
  const query = target.search(/[?#]/);
  let path = query === -1 ? target : target.slice(0, query);
  if (path.startsWith('/')) return path;
  const authority = ABSOLUTE_FORM.exec(path);
  if (authority === null) return undefined;
  path = path.slice(authority[0].length);
  return path.startsWith('/') ? path : undefined;
}

function zipId(segment: string): string | undefined {
  if (!segment.endsWith('.zip')) return undefined;
  const id = segment.slice(0, -'.zip'.length);
  return isSubmissionId(id) ? id : undefined;
}

/**
 * Interprets a raw request target (`req.url`: origin-form, or absolute-form for proxies) against
 * a normalized prefix (`''` for the root, else `/x` without a trailing slash).
 *
 * Behavior: the prefix and the route root are matched on the raw path; the segments after the
 * root are each percent-decoded exactly once and then checked (ids against `SUBMISSION_ID`,
 * hashes against 40 lowercase hex), all before any I/O. A decoded `/`, `\`, `.` or `..` is
 * never a valid id. The query string is ignored.
 */
export function parseRecodexTarget(target: string, prefix: string): RecodexTarget {
  const path = pathOf(target);
  if (path === undefined || !path.startsWith(`${prefix}/`)) return { kind: 'outside' };
  const raw = path.slice(prefix.length + 1).split('/');
  const root = raw[0] as string;
  if (!RECODEX_ROUTE_ROOTS.includes(root)) return { kind: 'outside' };
  if (target.length > MAX_REQUEST_TARGET_LENGTH) return { kind: 'too-long' };
  const segments: string[] = [];
  for (const segment of raw.slice(1)) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return BAD_ENCODING;
    }
    if (CONTROL.test(decoded)) return BAD_ENCODING;
    segments.push(decoded);
  }
  if (segments.length === 0) return root === 'tasks' || root === 'exercises' ? { kind: 'tasks' } : MALFORMED;
  const [only] = segments;
  if (segments.length !== 1 || only === undefined) return MALFORMED;
  switch (root) {
    case 'submissions':
      return isSubmissionId(only) ? { kind: 'submission', id: only } : MALFORMED;
    case 'submission_archives': {
      const id = zipId(only);
      return id === undefined ? MALFORMED : { kind: 'archive', id };
    }
    case 'results': {
      const id = zipId(only);
      return id === undefined ? MALFORMED : { kind: 'result', id };
    }
    default:
      return isTaskHash(only) ? { kind: 'task', hash: only } : MALFORMED;
  }
}
