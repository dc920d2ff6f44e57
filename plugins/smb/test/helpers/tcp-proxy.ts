import { connect, createServer, type Server, type Socket } from 'node:net';

/** What the proxy does with the traffic of its connections. */
export type ProxyMode =
  /** Forward both ways. */
  | 'forward'
  /** Swallow everything both ways: a server that stopped answering without closing. */
  | 'black-hole'
  /** Close the next client connection that sends anything, then forward again. */
  | 'reset-next'
  /**
   * Forward both ways, putting a `STATUS_PENDING` interim answer (what a server that goes async
   * sends first) in front of every final answer to a CREATE: the client must wait through it.
   */
  | 'interim';

const COMMAND_CREATE = 0x0005;
const STATUS_PENDING = 0x0000_0103;
const FLAG_ASYNC = 0x0000_0002;
const FLAG_SIGNED = 0x0000_0008;
const SMB2_HEADER_SIZE = 64;

/**
 * The interim answer a server sends before `final` (one SMB2 message, transport header included)
 * when it goes async: the same command and message id, the async flag with an async id,
 * `STATUS_PENDING`, no credits, unsigned, and an empty error body (MS-SMB2 3.3.4.2, 2.2.2).
 */
function interimBefore(final: Buffer, asyncId: number): Buffer {
  const interim = Buffer.alloc(4 + SMB2_HEADER_SIZE + 9);
  interim.writeUInt32BE(SMB2_HEADER_SIZE + 9, 0);
  final.copy(interim, 4, 4, 4 + SMB2_HEADER_SIZE);
  const h = 4;
  interim.writeUInt32LE(STATUS_PENDING, h + 8);
  interim.writeUInt16LE(0, h + 14); // CreditResponse
  interim.writeUInt32LE((interim.readUInt32LE(h + 16) | FLAG_ASYNC) & ~FLAG_SIGNED, h + 16);
  interim.writeUInt32LE(0, h + 20); // NextCommand
  interim.writeBigUInt64LE(BigInt(asyncId), h + 32); // AsyncId, in place of Reserved and TreeId
  interim.fill(0, h + 48, h + SMB2_HEADER_SIZE); // Signature
  interim.writeUInt16LE(9, h + SMB2_HEADER_SIZE); // the error response's StructureSize
  return interim;
}

/** A TCP proxy on 127.0.0.1 in front of the SMB server, for faults the server itself cannot make. */
export interface FaultProxy {
  readonly port: number;
  mode: ProxyMode;
  /** NT statuses of every packet the server sent (read from the SMB2 headers). */
  readonly statuses: number[];
  /** Interim answers the proxy made up in `interim` mode. */
  readonly interimsSent: number;
  /** Client connections accepted so far. */
  readonly accepted: number;
  close(): Promise<void>;
}

/** Starts a {@link FaultProxy} to `127.0.0.1:targetPort`. */
export async function startProxy(targetPort: number): Promise<FaultProxy> {
  const sockets = new Set<Socket>();
  const statuses: number[] = [];
  let accepted = 0;
  let interimsSent = 0;
  const proxy: { mode: ProxyMode } = { mode: 'forward' };
  const server: Server = createServer((client) => {
    accepted += 1;
    const upstream = connect({ host: '127.0.0.1', port: targetPort });
    sockets.add(client).add(upstream);
    let pending = Buffer.alloc(0);
    client.on('data', (chunk: Buffer) => {
      if (proxy.mode === 'reset-next') {
        proxy.mode = 'forward';
        client.destroy();
      } else if (proxy.mode !== 'black-hole') {
        upstream.write(chunk);
      }
    });
    upstream.on('data', (chunk: Buffer) => {
      if (proxy.mode === 'black-hole' || proxy.mode === 'reset-next') return;
      // Whole messages are forwarded as they complete (chunks of one stay unsent until then).
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 4 && pending.length >= 4 + (pending.readUInt32BE(0) & 0xffffff)) {
        const message = pending.subarray(0, 4 + (pending.readUInt32BE(0) & 0xffffff));
        pending = pending.subarray(message.length);
        // A transport message too short for an SMB2 header (a NetBIOS keep-alive) is passed on as it is.
        const status = message.length >= 4 + SMB2_HEADER_SIZE ? message.readUInt32LE(4 + 8) : undefined;
        if (status !== undefined) statuses.push(status);
        if (proxy.mode === 'interim' && status !== undefined && status !== STATUS_PENDING && message.readUInt16LE(4 + 12) === COMMAND_CREATE) {
          interimsSent += 1;
          client.write(interimBefore(message, 0x5000 + interimsSent));
        }
        client.write(message);
      }
    });
    const end = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    get mode() {
      return proxy.mode;
    },
    set mode(mode: ProxyMode) {
      proxy.mode = mode;
    },
    statuses,
    get interimsSent() {
      return interimsSent;
    },
    get accepted() {
      return accepted;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
