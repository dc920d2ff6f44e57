import { parseSmbOptions, type SmbBackendOptions } from './options.js';
import { SmbBackend } from './smb-backend.js';

/**
 * Opens an SMB share (or a folder in it) as a {@link SmbBackend}: validates the options,
 * connects, and checks (with `createRoot`, creates) the root folder, so a wrong password, an
 * unknown share or an unreachable server fail here rather than on the first request.
 *
 * @throws StowageError `STOWAGE_INVALID_CONFIG` (bad options, an unknown share, a root that is
 *   missing or a file), `STOWAGE_PERMISSION_DENIED` (the server refused the account),
 *   `STOWAGE_UNAVAILABLE` / `STOWAGE_TIMEOUT` (the server cannot be reached; retryable).
 */
export async function createSmbBackend(options: SmbBackendOptions): Promise<SmbBackend> {
  const backend = new SmbBackend(parseSmbOptions(options));
  try {
    await backend.prepare();
  } catch (error) {
    await backend.close();
    throw error;
  }
  return backend;
}
