import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Decision } from './http-answer.js';
import { CLIENT_GONE } from './http-answer.js';

/**
 * How long a connection closed after an answer keeps reading (and discarding) a request body
 * that is still arriving, in all: 5 s. (nginx waits up to 5 s for each further read,
 * `lingering_timeout`, and 30 s in all, `lingering_time`; a client that was told no has had the
 * answer by then, and one bound keeps a refusal cheap.)
 */
export const LINGER_MS = 5_000;

/** Sockets lingering after a closing answer: no further request on them is decided. */
const LINGERING = new WeakSet<object>();

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
 * Closes the connection of an answer given before its request body was read the way nginx's
 * lingering close does, when the connection closes after the answer (the answer carries
 * `Connection: close`, or the request asked for it) and the body is still arriving: the answer,
 * then the server's FIN, then the rest of the body read and discarded until the client has sent
 * it all (or closed), for at most `lingerMs`; then the socket goes. Called before the answer is
 * written.
 *
 * Why: node:http destroys the socket as soon as such an answer is written. Closing a socket
 * with unread bytes makes the kernel send a reset instead of a FIN, and a client still sending
 * its body (a refused upload: 401, 403, 413, 503) then fails with `EPIPE` or `ECONNRESET`,
 * often before it has read the answer that explains why (RELIABILITY.md: "drain or destroy
 * deliberately").
 *
 * Behavior:
 * - Does nothing for a connection kept alive (node:http reads and drops the rest of the body
 *   itself), a request whose body has ended, or a socket already gone.
 * - It replaces the socket's `destroySoon` (what node:http calls once a closing answer has been
 *   written) for that one call; Express and Koa answer through the same node:http response.
 * - The body's last byte, the client's FIN, a socket error, or `lingerMs` without the body
 *   ending closes the socket at once. A request sent after the body is never decided by a route
 *   handler ({@link arrivedAfterClosingAnswer}).
 */
export function lingerAfterClosingAnswer(req: IncomingMessage, res: ServerResponse, decision: Decision, lingerMs: number = LINGER_MS): void {
  const socket = req.socket as Socket | null;
  if (decision === CLIENT_GONE || (res.shouldKeepAlive && !closesConnection(decision))) return;
  if (req.complete || socket === null || socket.destroyed) return;
  if (typeof socket.destroySoon !== 'function') return;
  const original = socket.destroySoon;
  socket.destroySoon = function lingeringDestroySoon(): void {
    socket.destroySoon = original;
    if (req.complete || socket.destroyed) {
      original.call(socket);
      return;
    }
    linger(req, socket, lingerMs);
  };
}

function linger(req: IncomingMessage, socket: Socket, lingerMs: number): void {
  LINGERING.add(socket);
  const close = (): void => {
    clearTimeout(timer);
    socket.destroy();
  };
  const timer = setTimeout(close, lingerMs);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
  // The answer is written: FIN now (node:http servers allow half-open sockets), keep reading.
  socket.end();
  // node:http feeds the rest of the body to the request (or drops it when it dumped the
  // request); either way its end arrives with the body's last byte.
  req.once('end', close);
  req.once('error', close);
  req.resume();
}
