import { StowageError } from '@stowage/core';
import type { SmbConnection } from './wire/smb-connection.js';

/** Options of {@link ConnectionPool}. */
export interface ConnectionPoolOptions {
  /** Connections open at most. */
  readonly maxConnections: number;
  /** A connection without leases for this long is closed. */
  readonly idleTimeoutMs: number;
  /** Opens and authenticates a new connection. */
  readonly connect: () => Promise<SmbConnection>;
  /**
   * Runs on each new connection before its first lease (the backend removes partial uploads
   * that a broken connection left behind). Its failure is ignored.
   */
  readonly onConnect?: (connection: SmbConnection) => Promise<void>;
}

/** A connection lent to one operation; operations share connections (SMB multiplexes). */
export interface Lease {
  readonly connection: SmbConnection;
  /** Whether the connection was opened for this lease (so it cannot be a stale one). */
  readonly fresh: boolean;
  /** Returns the connection; idempotent. */
  release(): void;
}

interface Member {
  readonly connection: SmbConnection;
  leases: number;
  idleTimer: NodeJS.Timeout | undefined;
}

/**
 * Connections to one share, opened on demand, shared by concurrent operations and closed when
 * idle.
 *
 * Behavior:
 * - `acquire` lends the least-leased live connection; it opens a new one only when every open
 *   one is leased and fewer than `maxConnections` exist (or are being opened).
 * - A connection that dies (server restart, reset, timeout) leaves the pool at once, so the next
 *   `acquire` reconnects. Nothing is retried here: in-flight operations on it fail.
 * - Idle connections are closed after `idleTimeoutMs`, and never keep the process alive.
 * - After `close`, `acquire` rejects with `STOWAGE_UNAVAILABLE`.
 */
export class ConnectionPool {
  private readonly members: Member[] = [];
  private readonly opening = new Set<Promise<Member>>();
  private closed = false;

  constructor(private readonly options: ConnectionPoolOptions) {}

  /** Live connections. */
  get size(): number {
    return this.members.length;
  }

  /**
   * Lends a connection.
   *
   * @throws StowageError `STOWAGE_UNAVAILABLE` after `close`; the `SmbError` of a failed connect.
   */
  async acquire(): Promise<Lease> {
    for (;;) {
      if (this.closed) throw new StowageError('STOWAGE_UNAVAILABLE', 'The SMB backend is closed');
      const best = this.leastLeased();
      const total = this.members.length + this.opening.size;
      if (best !== undefined && (best.leases === 0 || total >= this.options.maxConnections)) return this.lend(best, false);
      if (total < this.options.maxConnections) return this.lend(await this.openMember(), true);
      await Promise.race([...this.opening].map((pending) => pending.catch(() => undefined)));
    }
  }

  /** Closes every connection; later `acquire`s reject. Idempotent. */
  close(): void {
    this.closed = true;
    for (const member of this.members.splice(0)) {
      clearTimeout(member.idleTimer);
      member.connection.destroy();
    }
  }

  private leastLeased(): Member | undefined {
    let best: Member | undefined;
    for (const member of this.members) if (best === undefined || member.leases < best.leases) best = member;
    return best;
  }

  private openMember(): Promise<Member> {
    const pending = (async (): Promise<Member> => {
      const connection = await this.options.connect();
      if (this.closed) {
        connection.destroy();
        throw new StowageError('STOWAGE_UNAVAILABLE', 'The SMB backend is closed');
      }
      const member: Member = { connection, leases: 1, idleTimer: undefined };
      this.members.push(member);
      connection.onClose(() => {
        clearTimeout(member.idleTimer);
        const index = this.members.indexOf(member);
        if (index !== -1) this.members.splice(index, 1);
      });
      await this.options.onConnect?.(connection).catch(() => undefined);
      member.leases -= 1;
      return member;
    })();
    this.opening.add(pending);
    void pending.finally(() => this.opening.delete(pending)).catch(() => undefined);
    return pending;
  }

  private lend(member: Member, fresh: boolean): Lease {
    member.leases += 1;
    clearTimeout(member.idleTimer);
    member.idleTimer = undefined;
    member.connection.setReferenced(true);
    let released = false;
    return {
      connection: member.connection,
      fresh,
      release: () => {
        if (released) return;
        released = true;
        member.leases -= 1;
        if (member.leases > 0 || !member.connection.alive) return;
        member.connection.setReferenced(false);
        member.idleTimer = setTimeout(() => {
          const index = this.members.indexOf(member);
          if (index !== -1) this.members.splice(index, 1);
          member.connection.destroy();
        }, this.options.idleTimeoutMs);
        member.idleTimer.unref();
      },
    };
  }
}
