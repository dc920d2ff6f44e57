import type { Socket } from 'node:net';
import { handshake, type HandshakeOptions } from './handshake.js';
import { ntStatusName } from './nt-status.js';
import { decodeResponseHeader, encodeRequest, PacketSplitter, type ResponseHeader, type SessionIds } from './packet.js';
import { SmbError } from './smb-error.js';

/** Options of {@link SmbConnection.open}. */
export interface ConnectionOptions extends HandshakeOptions {
  /** How long one request (one round trip) may take before the connection is destroyed. */
  readonly requestTimeoutMs: number;
  /** How many requests may be outstanding at once (the server's credits may allow fewer). */
  readonly maxInFlight: number;
}

/** A final response: its decoded header and the whole packet (body offsets count from byte 0). */
export interface SmbResponse {
  readonly header: ResponseHeader;
  readonly packet: Buffer;
}

interface Pending {
  readonly resolve: (response: SmbResponse) => void;
  readonly reject: (error: SmbError) => void;
  readonly timer: NodeJS.Timeout;
}

interface Waiting {
  readonly send: () => void;
  readonly reject: (error: SmbError) => void;
}

/**
 * One authenticated SMB2 session on one TCP connection, multiplexing concurrent requests.
 *
 * Behavior:
 * - Requests are matched to responses by message id; interim `STATUS_PENDING` answers are
 *   skipped (the final answer follows with the same id), so a deferred open is not mistaken
 *   for a failure.
 * - Requests wait for server credits and for a free slot under `maxInFlight`.
 * - A request not answered within `requestTimeoutMs` destroys the connection: the server's state
 *   for it (open handles) is unknown, and its late answer must not be taken for another's.
 * - When the socket closes, breaks or times out, every outstanding and queued request rejects
 *   with an `SmbError` (`disconnected` or `timeout`), and `alive` turns false for good.
 */
export class SmbConnection {
  private readonly pending = new Map<number, Pending>();
  private readonly waiting: Waiting[] = [];
  private readonly closeListeners = new Set<(error: SmbError) => void>();
  private nextMessageId: number;
  private credits = 1;
  private failure: SmbError | undefined;

  private constructor(
    private readonly socket: Socket,
    private readonly ids: SessionIds,
    firstMessageId: number,
    private readonly options: ConnectionOptions,
  ) {
    this.nextMessageId = firstMessageId;
    const splitter = new PacketSplitter();
    socket.on('data', (chunk: Buffer) => {
      for (const packet of splitter.push(chunk)) this.dispatch(packet);
    });
    socket.on('error', (error: Error) => this.fail(new SmbError('disconnected', 'The SMB connection broke', { cause: error })));
    // The library opens its socket with allowHalfOpen, so a server closing its side shows as
    // 'end' only: that is the end of the connection.
    socket.on('end', () => this.fail(new SmbError('disconnected', 'The SMB server closed the connection')));
    socket.on('close', () => this.fail(new SmbError('disconnected', 'The SMB connection closed')));
  }

  /**
   * Connects and authenticates.
   *
   * @throws SmbError from the handshake.
   */
  static async open(options: ConnectionOptions): Promise<SmbConnection> {
    const session = await handshake(options);
    return new SmbConnection(session.socket, session.ids, session.nextMessageId, options);
  }

  /** Whether the connection can still carry requests. */
  get alive(): boolean {
    return this.failure === undefined;
  }

  /** Requests sent and not yet answered, plus requests waiting to be sent. */
  get load(): number {
    return this.pending.size + this.waiting.length;
  }

  /** Calls `listener` once when the connection dies (immediately if it already has). */
  onClose(listener: (error: SmbError) => void): () => void {
    if (this.failure !== undefined) {
      listener(this.failure);
      return () => undefined;
    }
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /**
   * Sends one request and resolves with its final response, whatever its status (callers
   * decide which statuses they expect; see {@link expectStatus}).
   *
   * @throws SmbError `disconnected` (the connection is or goes down), `timeout`.
   */
  request(command: number, body: Buffer): Promise<SmbResponse> {
    return new Promise<SmbResponse>((resolve, reject) => {
      if (this.failure !== undefined) {
        reject(new SmbError('disconnected', 'The SMB connection is closed', { cause: this.failure }));
        return;
      }
      const send = (): void => {
        const messageId = this.nextMessageId++;
        this.credits -= 1;
        const timer = setTimeout(() => {
          const error = new SmbError('timeout', `No SMB answer within ${String(this.options.requestTimeoutMs)} ms`);
          this.pending.get(messageId)?.reject(error);
          this.pending.delete(messageId);
          this.fail(new SmbError('disconnected', 'The SMB connection was dropped after a request timed out', { cause: error }));
        }, this.options.requestTimeoutMs);
        this.pending.set(messageId, { resolve, reject, timer });
        this.socket.write(encodeRequest(command, messageId, this.ids, body, 64));
      };
      if (this.canSend()) send();
      else this.waiting.push({ send, reject });
    });
  }

  /** Whether the open socket keeps the process alive (pooled idle connections must not). */
  setReferenced(referenced: boolean): void {
    if (referenced) this.socket.ref();
    else this.socket.unref();
  }

  /** Closes the connection; outstanding requests reject with `disconnected`. Idempotent. */
  destroy(): void {
    this.fail(new SmbError('disconnected', 'The SMB connection was closed by the client'));
  }

  private canSend(): boolean {
    return this.credits > 0 && this.pending.size < this.options.maxInFlight;
  }

  private dispatch(packet: Buffer): void {
    let header: ResponseHeader;
    try {
      header = decodeResponseHeader(packet);
    } catch (error) {
      this.fail(new SmbError('protocol', 'The SMB server sent a malformed packet', { cause: error }));
      return;
    }
    this.credits += header.creditsGranted;
    const pending = this.pending.get(header.messageId);
    if (pending !== undefined && !header.interim) {
      this.pending.delete(header.messageId);
      clearTimeout(pending.timer);
      pending.resolve({ header, packet });
    }
    while (this.waiting.length > 0 && this.canSend()) this.waiting.shift()!.send();
  }

  private fail(error: SmbError): void {
    if (this.failure !== undefined) return;
    this.failure = error;
    this.socket.destroy();
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(error);
      this.pending.delete(id);
    }
    for (const waiting of this.waiting.splice(0)) waiting.reject(error);
    for (const listener of this.closeListeners) listener(error);
    this.closeListeners.clear();
  }
}

/**
 * Returns `response` when its status is success or one of the `accepted` names (such as
 * `NT_STATUS_NO_MORE_FILES`, which ends a listing); throws otherwise.
 *
 * @throws SmbError `status`.
 */
export function expectStatus(response: SmbResponse, ...accepted: readonly string[]): SmbResponse {
  const { status } = response.header;
  if (status === 0 || accepted.includes(ntStatusName(status))) return response;
  throw new SmbError('status', 'The SMB server refused the request', { status });
}
