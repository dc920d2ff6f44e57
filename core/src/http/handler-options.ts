import type { Backend } from '../backend.js';
import { StowageError } from '../stowage-error.js';
import type { AuthStrategy } from './auth/index.js';
import { resolveHandlerLimits, type HandlerLimits, type ResolvedHandlerLimits } from './handler-limits.js';
import type { UploadLimits } from './upload/index.js';

/** Stream the bytes through Node (the default). */
export interface StreamDelivery {
  readonly mode: 'stream';
}

/**
 * Let nginx send the bytes: the handler answers with `X-Accel-Redirect:
 * <internalPrefix>/<blob path, each segment percent-encoded once>` and an empty body, only after
 * authorization. nginx must map `internalPrefix` to the shard's root with an `internal;` location.
 */
export interface XAccelDelivery {
  readonly mode: 'x-accel';
  /** The internal location of the shard, e.g. `/_blobs/default`; a trailing `/` is dropped. */
  readonly internalPrefix: string;
}

/**
 * Let Apache (mod_xsendfile) or lighttpd send the bytes: `X-Sendfile: <host path>` from the
 * shard backend's `localPath`. The facade does not expose its backends, so the backend is named
 * here; without one (or when it has no `localPath`) the handler streams.
 */
export interface XSendfileDelivery {
  readonly mode: 'x-sendfile';
  /** The shard's backend, whose `localPath(entry.path)` is sent. */
  readonly backend?: Pick<Backend, 'localPath'>;
}

/** How one shard's bytes reach the client. */
export type DeliveryMode = StreamDelivery | XAccelDelivery | XSendfileDelivery;

/** Options of {@link createHandler}. */
export interface MediaHandlerOptions {
  /** Where the media profile is mounted. `'/'` mounts it at the root. @default '/media' */
  readonly prefix?: string;
  /** Authentication strategies, tried in order (see `composeAuth`). @default [] (everyone anonymous) */
  readonly auth?: readonly AuthStrategy[];
  /** `POST <prefix>` uploads; `true` or limits enable them. @default false (POST answers 404) */
  readonly uploads?: boolean | UploadLimits;
  /** Delivery per shard name; shards not listed stream. @default {} */
  readonly delivery?: Readonly<Record<string, DeliveryMode>>;
  /** Concurrency and slow-client bounds (see {@link HandlerLimits} for the defaults). */
  readonly limits?: HandlerLimits;
  /** Accepted for compatibility and ignored: hiding existence is the stowage permission policy's job. */
  readonly hideExistence?: boolean;
}

/** {@link MediaHandlerOptions} validated, with defaults filled in. */
export interface HandlerSettings {
  /** `''` for the root, else `/x` without a trailing `/`. */
  readonly prefix: string;
  readonly auth: readonly AuthStrategy[];
  /** `undefined` when uploads are off. */
  readonly uploads: UploadLimits | undefined;
  readonly delivery: ReadonlyMap<string, DeliveryMode>;
  readonly limits: ResolvedHandlerLimits;
}

// RFC 3986 pchar without `%` (a prefix is matched on the raw path, so it must not need encoding).
const PREFIX = /^(?:\/[A-Za-z0-9._~!$&'()*+,;=:@-]+)+$/;

function invalid(message: string): StowageError {
  return new StowageError('STOWAGE_INVALID_CONFIG', message);
}

/** The URL path of a prefix option, or `STOWAGE_INVALID_CONFIG`. */
export function normalizePrefix(value: unknown): string {
  if (value === undefined) return '/media';
  if (typeof value !== 'string') throw invalid('options.prefix must be a string');
  const trimmed = value.endsWith('/') ? value.slice(0, -1) : value;
  if (trimmed === '') return '';
  const dotSegment = trimmed.split('/').some((segment) => segment === '.' || segment === '..');
  if (!PREFIX.test(trimmed) || dotSegment) {
    throw invalid('options.prefix must be a URL path like "/media" (unencoded characters, no "." or ".." segments)');
  }
  return trimmed;
}

function normalizeDelivery(name: string, value: unknown): DeliveryMode {
  const mode = typeof value === 'object' && value !== null ? (value as { mode?: unknown }).mode : undefined;
  if (mode === 'stream') return Object.freeze({ mode });
  if (mode === 'x-accel') {
    const internalPrefix = normalizePrefix((value as { internalPrefix?: unknown }).internalPrefix ?? 1);
    if (internalPrefix === '') throw invalid(`options.delivery.${name}.internalPrefix must not be "/"`);
    return Object.freeze({ mode, internalPrefix });
  }
  if (mode === 'x-sendfile') {
    const backend = (value as { backend?: unknown }).backend;
    if (backend !== undefined && (typeof backend !== 'object' || backend === null)) {
      throw invalid(`options.delivery.${name}.backend must be a backend`);
    }
    return Object.freeze({ mode, ...(backend === undefined ? {} : { backend: backend as Pick<Backend, 'localPath'> }) });
  }
  throw invalid(`options.delivery.${name}.mode must be "stream", "x-accel" or "x-sendfile"`);
}

/** Validates {@link MediaHandlerOptions} once; `STOWAGE_INVALID_CONFIG` naming the field. */
export function resolveHandlerOptions(options: MediaHandlerOptions = {}): HandlerSettings {
  if (typeof options !== 'object' || options === null) throw invalid('options must be an object');
  const prefix = normalizePrefix(options.prefix);
  const auth = options.auth ?? [];
  if (!Array.isArray(auth) || !auth.every((strategy) => typeof strategy === 'function')) {
    throw invalid('options.auth must be an array of strategies');
  }
  const uploads = options.uploads ?? false;
  if (typeof uploads !== 'boolean' && (typeof uploads !== 'object' || uploads === null)) {
    throw invalid('options.uploads must be a boolean or upload limits');
  }
  const delivery = new Map<string, DeliveryMode>();
  const given = options.delivery ?? {};
  if (typeof given !== 'object' || given === null) throw invalid('options.delivery must be an object');
  for (const [name, value] of Object.entries(given)) delivery.set(name, normalizeDelivery(name, value));
  return Object.freeze({
    prefix,
    auth: Object.freeze([...auth]),
    uploads: uploads === false ? undefined : uploads === true ? {} : uploads,
    delivery,
    limits: resolveHandlerLimits(options.limits),
  });
}
