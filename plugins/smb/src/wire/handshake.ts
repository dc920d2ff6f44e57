import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import { SmbError } from './smb-error.js';
import type { SessionIds } from './packet.js';

/** What the SMB handshake needs. */
export interface HandshakeOptions {
  readonly host: string;
  readonly port: number;
  readonly share: string;
  readonly domain: string;
  readonly username: string;
  readonly password: string;
  /** The whole handshake (TCP connect, negotiate, session setup, tree connect) must finish within this. */
  readonly timeoutMs: number;
}

/** An established session on one TCP connection, ready for requests. */
export interface EstablishedSession {
  readonly socket: Socket;
  readonly ids: SessionIds;
  /** The next message id to use (the handshake used the ones before). */
  readonly nextMessageId: number;
}

/** The fields of a `@tryjsky/v9u-smb2` client object this module reads after the handshake. */
interface LibraryClient {
  socket: Socket;
  messageId: number;
  SessionId: Buffer;
  TreeId: Buffer;
  ProcessId: Buffer;
  errorHandler: unknown[];
}

interface LibraryModules {
  readonly SMB2: new (options: Record<string, unknown>) => LibraryClient;
  readonly requireConnect: (method: (callback: (error?: unknown) => void) => void) => (
    this: LibraryClient,
    callback: (error?: unknown) => void,
  ) => void;
}

interface NegotiateMessage {
  generate: (connection: unknown, params: unknown) => { request: Record<string, unknown> };
  stowageRandomGuid?: true;
}

let modules: LibraryModules | undefined;

function library(): LibraryModules {
  if (modules === undefined) {
    const require = createRequire(import.meta.url);
    const connection = require('@tryjsky/v9u-smb2/lib/tools/smb2-connection.js') as {
      requireConnect: LibraryModules['requireConnect'];
    };
    // The library negotiates every connection with an all-zero ClientGuid. Samba (4.15 and
    // later) treats connections with one ClientGuid as one client and passes them to one
    // process; concurrent handshakes then stall now and then. A random ClientGuid per
    // connection makes each an independent client.
    const negotiate = require('@tryjsky/v9u-smb2/lib/messages/negotiate.js') as NegotiateMessage;
    if (negotiate.stowageRandomGuid !== true) {
      const generate = negotiate.generate;
      negotiate.generate = function (this: unknown, client: unknown, params: unknown) {
        const message = generate.call(this, client, params);
        message.request['ClientGuid'] = randomBytes(16);
        return message;
      };
      negotiate.stowageRandomGuid = true;
    }
    modules = { SMB2: require('@tryjsky/v9u-smb2') as LibraryModules['SMB2'], requireConnect: connection.requireConnect };
  }
  return modules;
}

/** `\\host\share`, with an IPv6 literal's brackets removed (the library splits on backslashes). */
function uncOf(host: string, share: string): string {
  return `\\\\${host.replace(/^\[(.*)\]$/, '$1')}\\${share}`;
}

/** The NT status of a library error: its message reads `STATUS_NAME (0xC000006D) : ...`. */
function statusOf(error: unknown): number | undefined {
  const message = (error as { message?: unknown } | null)?.message;
  const match = typeof message === 'string' ? /\(0x([0-9A-Fa-f]{8})\)/.exec(message) : null;
  return match === null ? undefined : Number.parseInt(match[1]!, 16);
}

/**
 * Opens a TCP connection and runs the SMB2 handshake with `@tryjsky/v9u-smb2`: NEGOTIATE
 * (dialects 2.0.2 and 2.1), SESSION_SETUP with NTLMv2, TREE_CONNECT to the share. The library
 * is used for exactly this; every later request is encoded by this package (see the README).
 *
 * The library never times out and, after an authentication failure or a reset during the
 * handshake, may never call back: here the whole handshake races a deadline, and on failure or
 * timeout the socket is destroyed.
 *
 * @throws SmbError `status` (the server refused: logon failure, unknown share), `disconnected`
 *   (refused or reset), `timeout`.
 */
export function handshake(options: HandshakeOptions): Promise<EstablishedSession> {
  const { SMB2, requireConnect } = library();
  const client = new SMB2({
    share: uncOf(options.host, options.share),
    domain: options.domain,
    username: options.username,
    password: options.password,
    port: options.port,
    autoCloseTimeout: 0,
  });
  const socket = client.socket;
  socket.setNoDelay(true);
  // The library parses answers inside its 'data' listener; a malformed one makes it throw there,
  // which would be an uncaught exception. Its parser runs wrapped instead.
  const parse = socket.listeners('data')[0] as (chunk: Buffer) => void;
  socket.removeAllListeners('data');
  return new Promise<EstablishedSession>((resolve, reject) => {
    socket.on('data', (chunk: Buffer) => {
      try {
        parse(chunk);
      } catch (error) {
        finish(new SmbError('protocol', 'The server sent a malformed answer during the handshake', { cause: error }));
      }
    });
    let settled = false;
    const finish = (error: SmbError | undefined): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.off('close', onClose);
      socket.off('end', onClose);
      if (error !== undefined) {
        socket.destroy();
        reject(error);
        return;
      }
      // From here on the connection's own listeners own the socket.
      socket.removeAllListeners('data');
      socket.removeAllListeners('error');
      client.errorHandler.length = 0;
      resolve({
        socket,
        ids: { sessionId: client.SessionId, treeId: client.TreeId, processId: client.ProcessId },
        nextMessageId: client.messageId,
      });
    };
    const onClose = (): void => finish(new SmbError('disconnected', 'The server closed the connection during the handshake'));
    const timer = setTimeout(
      () => finish(new SmbError('timeout', `The SMB handshake did not finish within ${String(options.timeoutMs)} ms`)),
      options.timeoutMs,
    );
    socket.once('close', onClose);
    socket.once('end', onClose);
    requireConnect((callback) => callback()).call(client, (error?: unknown) => {
      if (error === undefined || error === null) {
        finish(undefined);
        return;
      }
      const status = statusOf(error);
      finish(
        status === undefined
          ? new SmbError('disconnected', 'The SMB handshake failed', { cause: error })
          : new SmbError('status', 'The SMB handshake was refused', { status, cause: error }),
      );
    });
  });
}
