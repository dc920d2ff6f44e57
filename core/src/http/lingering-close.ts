import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Decision } from './http-answer.js';
import { CLIENT_GONE } from './http-answer.js';

/**
 * How long a connection closed after an answer keeps reading (and discarding) a request body
 * that is still arriving, in all: 5 s. (nginx waits up to 5 s for each further read,
 * `lingering_timeout`, and 30 s in all, `lingering_time`; a client that was told no has had the
 * answer by then.)
 */
export const LINGER_MS = 5_000;

/**
 * How many connections of the process may linger at once: 64. Beyond it a closing answer closes
 * at once, as node:http does, so that a flood of refused uploads (a 503 under overload, a wave of
 * 401s) never holds more sockets and reading than this.
 */
export const MAX_LINGERING = 64;

/** Sockets lingering after a closing answer: no further request on them is decided. */
const LINGERING = new WeakSet<object>();
let lingering = 0;

/**
 * `true` when `req` came on a connection that is lingering after a closing answer. Such a
 * request was sent after the server said it would close (RFC 9112 §9.6: it must not be
 * processed); the route handler destroys it undecided.
 */
export function arrivedAfterClosingAnswer(req: IncomingMessage): boolean {
  return req.socket !== null && LINGERING.has(req.socket);
}

/** `true` when the answer tells the client the connection closes after it. */
function closesConnection(decision: Exclude<Decision, typeof CLIENT_GONE>): boolean {
  const value = decision.headers.connection;
  return typeof value === 'string' && value.toLowerCase() === 'close';
}

/**
 * Closes the connection of an answer given before its request body was read with a lingering
 * close, when the connection closes after the answer (the answer carries `Connection: close`, or
 * the request asked for it) and the body is still arriving: the answer, then the server's FIN,
 * then the rest of the body read and discarded until its last byte (or the client closes), for
 * at most `lingerMs`; then the socket goes. Called before the answer is written. (nginx keeps
 * reading until the client closes or goes quiet; here the announced body is what is waited for.)
 *
 * Why: node:http destroys the socket as soon as such an answer is written. Closing a socket
 * with unread bytes makes the kernel send a reset instead of a FIN, and a client still sending
 * its body (a refused upload: 401, 403, 413, 503) then fails with `EPIPE` or `ECONNRESET`,
 * often before it has read the answer that explains why (RELIABILITY.md: "drain or destroy
 * deliberately").
 *
 * Behavior:
 * - Does nothing for a connection kept alive (node:http reads and drops the rest of the body
 *   itself), a request whose body has ended, a socket already gone, or when
 *   {@link MAX_LINGERING} connections already linger (node:http then closes at once).
 * - It replaces the socket's `destroySoon` (what node:http calls once a closing answer has been
 *   written) for that one call, and puts it back when the response closes without calling it;
 *   Express and Koa answer through the same node:http response. (The Fetch API entry point has
 *   no socket: the runtime closes its connections.)
 * - The body's last byte, a request error, or `lingerMs` without the body ending destroys the
 *   socket; node:http destroys it itself when the client closes its side first. A request
 *   pipelined after the body is destroyed undecided by the route handler
 *   ({@link arrivedAfterClosingAnswer}); middleware mounted before it still sees it.
 */
export function lingerAfterClosingAnswer(req: IncomingMessage, res: ServerResponse, decision: Decision, lingerMs: number = LINGER_MS): void {
  const socket = req.socket as Socket | null;
  if (decision === CLIENT_GONE || (res.shouldKeepAlive && !closesConnection(decision))) return;
  if (req.complete || socket === null || socket.destroyed) return;
  if (typeof socket.destroySoon !== 'function') return;
  const original = socket.destroySoon;
  const lingeringDestroySoon = (): void => {
    socket.destroySoon = original;
    if (req.complete || socket.destroyed || lingering >= MAX_LINGERING) {
      original.call(socket);
      return;
    }
    linger(req, socket, lingerMs);
  };
  socket.destroySoon = lingeringDestroySoon;
  // An answer that ends up keeping the connection (a 500 replacing a refused header, say)
  // never calls it: the socket gets its own back, and holds no reference to this request.
  res.once('close', () => {
    if (socket.destroySoon === lingeringDestroySoon) socket.destroySoon = original;
  });
}

function linger(req: IncomingMessage, socket: Socket, lingerMs: number): void {
  LINGERING.add(socket);
  lingering += 1;
  const close = (): void => {
    clearTimeout(timer);
    socket.destroy();
  };
  const timer = setTimeout(close, lingerMs);
  timer.unref();
  socket.once('close', () => {
    clearTimeout(timer);
    lingering -= 1;
  });
  // The answer is written: FIN now (node:http servers allow half-open sockets), keep reading.
  socket.end();
  // node:http feeds the rest of the body to the request (or drops it when it dumped the
  // request); either way its end arrives with the body's last byte.
  req.once('end', close);
  req.once('error', close);
  req.resume();
}
