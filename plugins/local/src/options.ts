import { resolve } from 'node:path';
import { StowageError } from '@stowage/core';
import { nodeFileSystem, type FileSystem } from './file-system.js';

/** Options of `createLocalBackend`. */
export interface LocalBackendOptions {
  /** The directory files are stored in; relative paths resolve against the working directory. */
  readonly root: string;
  /** The instance name in `info.name` and error contexts. @defaultValue `"local"` */
  readonly name?: string;
  /**
   * Create `root` (and its parents) when missing. Turn off to fail at startup on a typo or an
   * unmounted share instead of silently writing to a fresh directory. @defaultValue true
   */
  readonly createRoot?: boolean;
  /** Permission bits of stored files (before the umask); nginx must be able to read them for X-Accel. @defaultValue 0o644 */
  readonly fileMode?: number;
  /** Permission bits of created directories (before the umask). @defaultValue 0o755 */
  readonly directoryMode?: number;
  /**
   * Temp files in the staging folder older than this are removed by the startup sweep and by
   * `sweepStaging()`. Keep it above the longest write in flight when several processes share a
   * root. @defaultValue 3600000 (one hour)
   */
  readonly staleTempAfterMs?: number;
  /** The file-system seam. @defaultValue {@link nodeFileSystem} */
  readonly fs?: FileSystem;
}

/** {@link LocalBackendOptions} after validation: every field set, `root` absolute, frozen. */
export type ResolvedLocalOptions = Readonly<Required<LocalBackendOptions>>;

function invalid(field: string, expectation: string): never {
  throw new StowageError('STOWAGE_INVALID_CONFIG', `local backend: ${field} ${expectation}`);
}

function mode(value: unknown, field: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > 0o7777) {
    invalid(field, 'must be permission bits between 0 and 0o7777');
  }
  return value as number;
}

/**
 * Validates the options of the local backend once, fills in the defaults and freezes them.
 *
 * @throws StowageError `STOWAGE_INVALID_CONFIG` naming the field.
 */
export function parseLocalOptions(input: unknown): ResolvedLocalOptions {
  if (typeof input !== 'object' || input === null) invalid('options', 'must be an object');
  const options = input as Record<string, unknown>;
  const { root, name = 'local', createRoot = true, staleTempAfterMs = 3_600_000, fs = nodeFileSystem } = options;
  if (typeof root !== 'string' || root === '' || root.includes('\0')) invalid('root', 'must be a non-empty path');
  if (typeof name !== 'string' || name === '') invalid('name', 'must be a non-empty string');
  if (typeof createRoot !== 'boolean') invalid('createRoot', 'must be a boolean');
  if (typeof staleTempAfterMs !== 'number' || !Number.isSafeInteger(staleTempAfterMs) || staleTempAfterMs < 0) {
    invalid('staleTempAfterMs', 'must be an integer >= 0');
  }
  if (typeof fs !== 'object' || fs === null) invalid('fs', 'must be a FileSystem');
  return Object.freeze({
    root: resolve(root),
    name,
    createRoot,
    fileMode: mode(options['fileMode'], 'fileMode', 0o644),
    directoryMode: mode(options['directoryMode'], 'directoryMode', 0o755),
    staleTempAfterMs,
    fs: fs as FileSystem,
  });
}
