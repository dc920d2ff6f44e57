import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { resolveUploadLimits, type UploadLimits } from '@stowage/core';
import { parseAuth, type AuthConfig } from './auth-config.js';
import { invalidField, objectAt, optionalBoolean, optionalInteger, optionalPath, optionalString } from './config-fields.js';
import { parseStorage, type StorageConfig } from './storage-config.js';
import { urlPrefix } from './url-prefix.js';

/** What `stowage serve` runs: the configuration file validated, defaults filled in, paths absolute. */
export interface ServeConfig {
  /** An IP address or `localhost`. @defaultValue `'127.0.0.1'` */
  readonly host: string;
  /** 0 picks a free port. @defaultValue 8080 */
  readonly port: number;
  /** Holds `catalog.db` and `salt`; `undefined` is a temporary directory deleted on exit. */
  readonly dataDir: string | undefined;
  /** `''` for the root, else `/x` without a trailing `/`. @defaultValue `'/media'` */
  readonly mediaPrefix: string;
  readonly storage: StorageConfig;
  readonly auth: AuthConfig;
  /** `false` (the default) answers `POST <prefix>` 404; `true` or limits enable uploads (for authenticated principals). */
  readonly uploads: boolean | UploadLimits;
  /** Answer 404 instead of 403 to a principal that may not read a private entry. @defaultValue false */
  readonly hideExistence: boolean;
}

const FIELDS = ['host', 'port', 'dataDir', 'mediaPrefix', 'root', 'delivery', 'shards', 'auth', 'uploads', 'permissions'] as const;
const UPLOAD_LIMITS = [
  'maxFiles',
  'maxFileBytes',
  'maxTotalBytes',
  'maxFields',
  'maxFieldBytes',
  'maxHeaderPairs',
  'maxPartHeaderBytes',
  'idleTimeoutMs',
] as const;

function parseHost(value: unknown): string {
  const host = optionalString(value, 'config.host') ?? '127.0.0.1';
  if (host !== 'localhost' && isIP(host) === 0) throw invalidField('config.host', 'must be an IP address or "localhost"');
  return host;
}

function parseUploads(value: unknown): boolean | UploadLimits {
  if (value === undefined) return false;
  if (typeof value === 'boolean') return value;
  const object = objectAt(value, 'config.uploads', UPLOAD_LIMITS);
  const limits: Record<string, number> = {};
  for (const key of UPLOAD_LIMITS) {
    const limit = object[key];
    if (limit === undefined) continue;
    try {
      resolveUploadLimits({ [key]: limit });
    } catch (error) {
      throw invalidField(`config.uploads.${key}`, `is refused (${(error as Error).message})`);
    }
    limits[key] = limit as number;
  }
  return Object.freeze(limits);
}

/**
 * Validates a parsed `stowage serve` configuration file field by field. Relative paths resolve
 * against `base`, the folder of the file. The format is documented in docs/cli.md.
 *
 * Errors: `STOWAGE_INVALID_CONFIG` naming the first invalid field (`config.shards[1].root`), an
 * unknown field included; token values are never quoted.
 */
export function parseServeConfig(value: unknown, base: string): ServeConfig {
  const config = objectAt(value, 'config', FIELDS);
  const mediaPrefix = config['mediaPrefix'] === undefined ? '/media' : urlPrefix(config['mediaPrefix'], 'config.mediaPrefix');
  const permissions = config['permissions'] === undefined ? {} : objectAt(config['permissions'], 'config.permissions', ['hideExistence']);
  return Object.freeze({
    host: parseHost(config['host']),
    port: optionalInteger(config['port'], 'config.port', 0, 65535) ?? 8080,
    dataDir: optionalPath(config['dataDir'], 'config.dataDir', base),
    mediaPrefix,
    storage: parseStorage(config, mediaPrefix, base),
    auth: parseAuth(config['auth'], base),
    uploads: parseUploads(config['uploads']),
    hideExistence: optionalBoolean(permissions['hideExistence'], 'config.permissions.hideExistence') ?? false,
  });
}

/** The configuration of `stowage serve` without `--config`: the demo (uploads on, no other auth). */
export function demoConfig(port: number, dataDir: string | undefined): ServeConfig {
  return Object.freeze({ ...parseServeConfig({ port, uploads: true }, process.cwd()), dataDir: dataDir === undefined ? undefined : resolve(dataDir) });
}
