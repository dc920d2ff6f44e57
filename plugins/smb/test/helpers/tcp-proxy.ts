import { connect, createServer, type Server, type Socket } from 'node:net';

/** What the proxy does with the traffic of its connections. */
export type ProxyMode =
  /** Forward both ways. */
  | 'forward'
  /** Swallow everything both ways: a server that stopped answering without closing. */
  | 'black-hole'
  /** Close the next client connection that sends anything, then forward again. */
  | 'reset-next';

/** A TCP proxy on 127.0.0.1 in front of the SMB server, for faults the server itself cannot make. */
export interface FaultProxy {
  readonly port: number;
  mode: ProxyMode;
  /** NT statuses of every packet the server sent (read from the SMB2 headers). */
  readonly statuses: number[];
  /** Client connections accepted so far. */
  readonly accepted: number;
  close(): Promise<void>;
}

/** Starts a {@link FaultProxy} to `127.0.0.1:targetPort`. */
export async function startProxy(targetPort: number): Promise<FaultProxy> {
  const sockets = new Set<Socket>();
  const statuses: number[] = [];
  let accepted = 0;
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
      } else if (proxy.mode === 'forward') {
        upstream.write(chunk);
      }
    });
    upstream.on('data', (chunk: Buffer) => {
      if (proxy.mode !== 'forward') return;
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 4 + 64 && pending.length >= 4 + (pending.readUInt32BE(0) & 0xffffff)) {
        statuses.push(pending.readUInt32LE(4 + 8));
        pending = pending.subarray(4 + (pending.readUInt32BE(0) & 0xffffff));
      }
      client.write(chunk);
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
    get accepted() {
      return accepted;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
