import type { AuthStrategy } from '../http/auth/index.js';
import { resolveHandlerLimits, type HandlerLimits, type ResolvedHandlerLimits } from '../http/handler-limits.js';
import { normalizePrefix } from '../http/handler-options.js';
import { resolveUploadLimits, type ResolvedUploadLimits, type UploadLimits } from '../http/upload/limits.js';
import { StowageError } from '../stowage-error.js';

/** Options of `createRecodexHandler`. */
export interface RecodexHandlerOptions {
  /** Where the routes are mounted: `'/fs'` answers `/fs/submissions/<id>` and so on. @defaultValue `''` (the root, as the original) */
  readonly prefix?: string;
  /**
   * Authentication strategies, tried in order (see `composeAuth`), typically
   * `[htpasswdAuth({ file })]` for the original's HTTP Basic. When any is given, every request
   * must authenticate (anonymous → 401 with the strategies' challenge); an adapter's non-null
   * principal is accepted as is. @defaultValue `[]` (open, as the original's dev mode)
   */
  readonly auth?: readonly AuthStrategy[];
  /** Bounds on uploads (busboy limits, sizes, idle timeout). @defaultValue the `UploadLimits` defaults with `maxFiles` 1000 */
  readonly uploads?: UploadLimits;
  /** Concurrency and slow-client bounds (see `HandlerLimits`). */
  readonly limits?: HandlerLimits;
  /** A folder of the backend to keep the fileserver's folders under. @defaultValue `''` */
  readonly root?: string;
  /** Deflate the members of submission archives, as the original does. @defaultValue true */
  readonly compress?: boolean;
}

/** {@link RecodexHandlerOptions} validated, defaults filled in. */
export interface RecodexSettings {
  /** `''` for the root, else `/x` without a trailing `/`. */
  readonly prefix: string;
  readonly auth: readonly AuthStrategy[];
  readonly uploads: ResolvedUploadLimits;
  readonly limits: ResolvedHandlerLimits;
  readonly root: string;
  readonly compress: boolean;
}

/** The profile's default for `UploadLimits.maxFiles`: exercises often carry hundreds of test files. */
export const RECODEX_MAX_FILES = 1000;

function invalid(message: string): StowageError {
  return new StowageError('STOWAGE_INVALID_CONFIG', message);
}

/** Validates {@link RecodexHandlerOptions} once; `STOWAGE_INVALID_CONFIG` naming the field. */
export function resolveRecodexOptions(options: RecodexHandlerOptions = {}): RecodexSettings {
  if (typeof options !== 'object' || options === null) throw invalid('options must be an object');
  const prefix = normalizePrefix(options.prefix ?? '');
  const auth = options.auth ?? [];
  if (!Array.isArray(auth) || !auth.every((strategy) => typeof strategy === 'function')) {
    throw invalid('options.auth must be an array of strategies');
  }
  const uploads = options.uploads ?? {};
  if (typeof uploads !== 'object' || uploads === null) throw invalid('options.uploads must be upload limits');
  const root = options.root ?? '';
  if (typeof root !== 'string') throw invalid('options.root must be a string');
  const compress = options.compress ?? true;
  if (typeof compress !== 'boolean') throw invalid('options.compress must be a boolean');
  return Object.freeze({
    prefix,
    auth: Object.freeze([...auth]),
    uploads: resolveUploadLimits({ ...uploads, maxFiles: uploads.maxFiles ?? RECODEX_MAX_FILES }),
    limits: resolveHandlerLimits(options.limits),
    root,
    compress,
  });
}
