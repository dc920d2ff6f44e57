import { request, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';

/** What a hand-written exchange on one connection brought back. */
export interface SocketExchange {
  /** Everything the server sent, as latin1 text. */
  readonly text: string;
  /** The status of the first response line, if any arrived. */
  readonly status: number | undefined;
  /** `true` when the server closed the connection (rather than the exchange timing out). */
  readonly closedByServer: boolean;
}

/**
 * Opens a connection to `base`, writes `steps` in order (a number waits that many
 * milliseconds), half-closes it when `end` is set, and reads until the server closes or
 * `timeoutMs` passes (then destroys the connection). For requests node:http will not send:
 * lying `Content-Length`, bodies that stop, headers that never end.
 */
export function socketExchange(
  base: string,
  steps: readonly (string | Buffer | number)[],
  options: { readonly end?: boolean; readonly timeoutMs?: number } = {},
): Promise<SocketExchange> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    const chunks: Buffer[] = [];
    let closedByServer = false;
    let timer: NodeJS.Timeout | undefined;
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => {
      closedByServer = true;
    });
    socket.on('error', () => {
      closedByServer = true;
    });
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('latin1');
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1];
      resolve({ text, status: status === undefined ? undefined : Number(status), closedByServer });
    });
    socket.once('connect', () => {
      void (async () => {
        for (const step of steps) {
          if (socket.destroyed) return;
          if (typeof step === 'number') await new Promise((done) => setTimeout(done, step));
          else socket.write(step);
        }
        if (options.end === true) socket.end();
        timer = setTimeout(() => socket.destroy(), options.timeoutMs ?? 5000);
      })().catch(reject);
    });
  });
}

/** Starts a GET and resolves with the response as soon as its headers arrive (the body unread). */
export function openResponse(base: string, target: string, headers: Record<string, string> = {}): Promise<IncomingMessage> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: url.hostname, port: url.port, path: target, headers, agent: false }, (incoming) => {
      incoming.on('error', () => undefined);
      resolve(incoming);
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}
