import type { Backend } from '@stowage/core';
import { createLocalBackend, nodeFileSystem, type LocalBackendOptions } from '@stowage/local';
import { EncodedNamesBackend } from './encoded-names-backend.js';
import { smbAwareFileSystem, type SmbAwareFileSystemOptions } from './smb-aware-file-system.js';

/** Options of {@link createMountedShareBackend}: the local backend's, plus the rename retries. */
export interface MountedShareOptions extends LocalBackendOptions, SmbAwareFileSystemOptions {}

/**
 * Serves an SMB share mounted into the file system (`mount -t cifs`) through `@stowage/local`,
 * for delivery by nginx with `X-Accel-Redirect` (`localPath`):
 * - renames are SMB-aware ({@link smbAwareFileSystem}): refusals because a file is in use are
 *   retried, then the old file is moved aside;
 * - names use the SMB backend's encoding ({@link EncodedNamesBackend}), so a share written by
 *   the SMB backend reads the same through its mount, and the other way round;
 * - `createRoot` defaults to `false`: an unmounted share must not be silently replaced by an
 *   empty folder on the local disk.
 *
 * See the README, "Mounted-share mode", for the mount options and the nginx configuration.
 *
 * @throws StowageError as `createLocalBackend`.
 */
export async function createMountedShareBackend(options: MountedShareOptions): Promise<Backend> {
  const { renameAttempts, renameRetryDelayMs, fs = nodeFileSystem, ...local } = options;
  const retries = {
    ...(renameAttempts === undefined ? {} : { renameAttempts }),
    ...(renameRetryDelayMs === undefined ? {} : { renameRetryDelayMs }),
  };
  const backend = await createLocalBackend({
    name: 'smb-mount',
    createRoot: false,
    ...local,
    fs: smbAwareFileSystem(fs, retries),
  });
  return new EncodedNamesBackend(backend);
}
