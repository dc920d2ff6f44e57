import { ConnectionPool, type Lease } from './connection-pool.js';
import type { ResolvedSmbOptions } from './options.js';
import { deletePath, openForRename, renameHandle, closeQuietly, statPath } from './wire/share-operations.js';
import { SmbConnection } from './wire/smb-connection.js';
import { hasStatus, SmbError } from './wire/smb-error.js';

/** Work left behind by an operation whose connection broke, done on the next connection. */
export type Cleanup =
  /** Delete a partial upload or a file moved aside. */
  | { readonly kind: 'delete'; readonly path: string }
  /** Put a file moved aside back under its name, unless a new file took the name meanwhile. */
  | { readonly kind: 'restore'; readonly from: string; readonly to: string };

const MISSING = ['NT_STATUS_OBJECT_NAME_NOT_FOUND', 'NT_STATUS_OBJECT_PATH_NOT_FOUND', 'NT_STATUS_DELETE_PENDING'];

/** Whether a failure means the connection is gone (as opposed to the server refusing a request). */
export function isConnectionFailure(error: unknown): boolean {
  return error instanceof SmbError && error.kind !== 'status';
}

/**
 * The backend's link to its share: the connection pool, and the cleanups owed after broken
 * connections.
 *
 * Behavior:
 * - `run` lends a connection to one operation; an idempotent operation that fails because a
 *   reused connection turns out to be dead (the server restarted since it was last used) is run
 *   once more on a new connection.
 * - Partial uploads normally vanish with their connection (they are delete-on-close), but not
 *   when the server itself dies: such leftovers are queued with `defer` and removed on the next
 *   connection, before its first operation.
 */
export class ShareSession {
  readonly pool: ConnectionPool;
  private readonly cleanups = new Map<string, Cleanup>();

  constructor(options: ResolvedSmbOptions) {
    this.pool = new ConnectionPool({
      maxConnections: options.maxConnections,
      idleTimeoutMs: options.idleTimeoutMs,
      connect: () =>
        SmbConnection.open({
          host: options.host,
          port: options.port,
          share: options.share,
          domain: options.credentials.domain,
          username: options.credentials.username,
          password: options.credentials.password,
          timeoutMs: options.connectTimeoutMs,
          requestTimeoutMs: options.operationTimeoutMs,
          maxInFlight: options.requestsInFlight,
        }),
      onConnect: (connection) => this.runCleanups(connection),
    });
  }

  /** Cleanups still owed (for tests and monitoring). */
  get pendingCleanups(): number {
    return this.cleanups.size;
  }

  /** Lends a connection for an operation that outlives one call (a read stream). */
  acquire(): Promise<Lease> {
    return this.pool.acquire();
  }

  /** Runs `body` with a lent connection (see the class description for the one retry). */
  async run<T>(idempotent: boolean, body: (connection: SmbConnection) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const lease = await this.pool.acquire();
      try {
        return await body(lease.connection);
      } catch (error) {
        if (!idempotent || lease.fresh || attempt > 1 || !isConnectionFailure(error)) throw error;
      } finally {
        lease.release();
      }
    }
  }

  /** Queues a cleanup for the next connection. */
  defer(cleanup: Cleanup): void {
    this.cleanups.set(cleanup.kind === 'delete' ? cleanup.path : cleanup.from, cleanup);
  }

  /** Closes every connection. */
  close(): void {
    this.pool.close();
  }

  private async runCleanups(connection: SmbConnection): Promise<void> {
    for (const [key, cleanup] of [...this.cleanups]) {
      try {
        if (cleanup.kind === 'restore') await restore(connection, cleanup);
        else await deletePath(connection, cleanup.path).catch(ignoreMissing);
        this.cleanups.delete(key);
      } catch (error) {
        // A broken connection keeps the cleanup for the next one; a refusal drops it.
        if (!isConnectionFailure(error)) this.cleanups.delete(key);
        else return;
      }
    }
  }
}

function ignoreMissing(error: unknown): void {
  if (!hasStatus(error, ...MISSING)) throw error;
}

async function restore(connection: SmbConnection, cleanup: Extract<Cleanup, { kind: 'restore' }>): Promise<void> {
  const taken = await statPath(connection, cleanup.to).then(
    () => true,
    (error: unknown) => {
      ignoreMissing(error);
      return false;
    },
  );
  if (taken) {
    await deletePath(connection, cleanup.from).catch(ignoreMissing);
    return;
  }
  const moved = await openForRename(connection, cleanup.from).catch((error: unknown) => {
    ignoreMissing(error);
    return undefined;
  });
  if (moved === undefined) return;
  try {
    await renameHandle(connection, moved.fileId, cleanup.to, false);
  } finally {
    await closeQuietly(connection, moved.fileId);
  }
}
