import { constants } from 'node:fs';
import type { FileSystem } from './file-system.js';

/**
 * `fsync`s a directory, making the renames and unlinks inside it durable: without it, ext4 in
 * `data=ordered` mode may keep a renamed file's data and lose its directory entry on power loss.
 */
export async function syncDirectory(fs: FileSystem, path: string): Promise<void> {
  const handle = await fs.open(path, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
