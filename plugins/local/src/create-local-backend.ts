import { join } from 'node:path';
import { StowageError } from '@stowage/core';
import { LocalBackend } from './backend.js';
import { ContainedRoot, RESERVED_SEGMENT } from './containment.js';
import { errnoOf, mapFsError } from './errors.js';
import { parseLocalOptions, type LocalBackendOptions } from './options.js';
import { Staging } from './staging.js';

/**
 * Opens a directory as a {@link LocalBackend}.
 *
 * At startup it validates the options, creates the root when `createRoot` is set, resolves the
 * root's real path, creates the staging folder `<root>/.stowage/staging` (mode 0700), checks that
 * staging and root are on the same file system (so a commit is a rename, never a copy), and
 * sweeps stale temp files.
 *
 * @throws StowageError `STOWAGE_INVALID_CONFIG` (bad options, a root that is missing or not a
 *   directory, staging on another file system), or the mapped file-system error.
 */
export async function createLocalBackend(options: LocalBackendOptions): Promise<LocalBackend> {
  const resolved = parseLocalOptions(options);
  const { fs, root, name } = resolved;
  const context = { backend: name };
  try {
    if (resolved.createRoot) {
      // EEXIST: something that is not a directory is there; the check below names the problem.
      await fs.mkdir(root, { recursive: true, mode: resolved.directoryMode }).catch((error: unknown) => {
        if (errnoOf(error) !== 'EEXIST') throw error;
      });
    }
    const realRoot = await fs.realpath(root).catch((error: unknown) => {
      throw new StowageError('STOWAGE_INVALID_CONFIG', 'local backend: root does not exist', { cause: error, context });
    });
    const rootStats = await fs.lstat(realRoot);
    if (!rootStats.isDirectory()) {
      throw new StowageError('STOWAGE_INVALID_CONFIG', 'local backend: root is not a directory', { context });
    }
    const stagingPath = join(realRoot, RESERVED_SEGMENT, 'staging');
    await fs.mkdir(stagingPath, { recursive: true, mode: 0o700 });
    if ((await fs.realpath(stagingPath)) !== stagingPath) {
      throw new StowageError('STOWAGE_UNSAFE_PATH', 'local backend: the staging folder is a symbolic link', { context });
    }
    if ((await fs.lstat(stagingPath)).dev !== rootStats.dev) {
      throw new StowageError('STOWAGE_INVALID_CONFIG', 'local backend: staging and root are on different file systems', {
        context,
      });
    }
    const staging = new Staging(stagingPath, fs);
    await staging.sweep(resolved.staleTempAfterMs);
    return new LocalBackend(resolved, new ContainedRoot(realRoot, fs), staging);
  } catch (error) {
    throw mapFsError(error, context);
  }
}
