import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { Backend } from '@stowage/core';
import { createSmbBackend, type SmbBackend, type SmbBackendOptions } from '../../src/index.js';
import { SmbConnection } from '../../src/wire/smb-connection.js';
import { backendOptions, type SambaServer } from './samba.js';

let next = 0;

/** A backend on `server` rooted in a fresh folder of the share (removed by {@link removeRoot}). */
export function freshBackend(server: SambaServer, extra: Partial<SmbBackendOptions> = {}): Promise<SmbBackend> {
  next += 1;
  return createSmbBackend({ ...backendOptions(server, `case-${String(process.pid)}-${String(next)}`), ...extra });
}

/** Removes a backend's root folder through the host file system (faster than over SMB). */
export async function removeRoot(server: SambaServer, backend: Backend): Promise<void> {
  const root = backend.info.root.split('/').slice(4).join('/');
  if (root !== '') await rm(join(server.sharePath, root), { recursive: true, force: true });
}

/**
 * The open SMB handles of read streams of `backend`, once the closes in flight have settled:
 * a close is a network round trip, so it is given up to 2 s; a leaked handle stays counted.
 */
export async function settledHandles(backend: SmbBackend | undefined): Promise<number> {
  if (backend === undefined) return 0;
  for (let waited = 0; backend.openHandles > 0 && waited < 2_000; waited += 10) await delay(10);
  return backend.openHandles;
}

/** A raw SMB connection to `server`, for tests that play another client (holding files open). */
export function rawConnection(server: SambaServer): Promise<SmbConnection> {
  return SmbConnection.open({
    host: server.host,
    port: server.port,
    share: server.share,
    domain: '',
    username: server.username,
    password: server.password,
    timeoutMs: 5_000,
    requestTimeoutMs: 5_000,
    maxInFlight: 8,
  });
}

/** Waits until `condition` holds, polling; fails after 10 s. */
export async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let waited = 0; !(await condition()); waited += 20) {
    if (waited > 10_000) throw new Error(`gave up waiting: ${what}`);
    await delay(20);
  }
}
