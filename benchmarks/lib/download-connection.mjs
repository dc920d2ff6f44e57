// One keep-alive HTTP/1.1 connection for the stream client's downloads, reading into one
// recycled buffer (`net.connect({ onread })`), so receiving allocates nothing per chunk.
//
// Why not node:http: its client allocates a Buffer for every socket read and emits it as an
// event; on the 2-core machine this harness runs on that tops out at 0.5-0.8 GB/s for 100 MiB
// bodies, below what the servers under test send (measured against a server answering a cached
// 100 MiB Buffer, 4 connections: node:http 519-824 MB/s, this connection 3,396-3,644 MB/s).
// A client that saturates first makes every subject look alike and squeezes every ratio
// towards 1.
//
// Scope: GET, one request at a time per connection, bodies framed by Content-Length (every
// subject sends one for a file). A chunked or unframed answer, a head over 64 KiB, bytes beyond
// the announced length or a connection closed mid-answer fail the request with an Error.
import { connect } from 'node:net';

const READ_BUFFER_BYTES = 256 * 1024;
const MAX_HEAD_BYTES = 64 * 1024;
const HEAD_END = '\r\n\r\n';

/** The parts of a response head the client needs. */
function parseHead(head) {
  const [statusLine, ...lines] = head.split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '');
  if (status === null) throw new Error(`not an HTTP/1.x status line: ${JSON.stringify(statusLine?.slice(0, 80))}`);
  const fields = new Map();
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) fields.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  if (fields.has('transfer-encoding')) throw new Error(`a ${fields.get('transfer-encoding')} body: the download client needs Content-Length`);
  const length = fields.get('content-length');
  if (length === undefined || !/^\d+$/.test(length)) throw new Error('an answer without Content-Length: the download client needs one');
  return { status: Number(status[1]), length: Number(length), close: /\bclose\b/i.test(fields.get('connection') ?? '') };
}

export class DownloadConnection {
  #port;
  #hostHeader;
  #buffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
  #socket;
  #connected;
  #pending;

  /** @param {URL} origin an http://127.0.0.1:<port> URL */
  constructor(origin) {
    if (origin.protocol !== 'http:' || origin.hostname !== '127.0.0.1') throw new Error('the download client only talks http to 127.0.0.1');
    this.#port = Number(origin.port || 80);
    this.#hostHeader = origin.host;
  }

  /**
   * GETs `path` (path and query, already encoded) with `headers`; `onBody(bytes)` receives every
   * slice of the body and must not keep it (the buffer is reused by the next read). Resolves
   * `{ status, length }` once the whole body has arrived.
   */
  async get(path, headers, onBody) {
    if (this.#pending !== undefined) throw new Error('one request at a time per connection');
    await this.#connect();
    const lines = [`GET ${path} HTTP/1.1`, `Host: ${this.#hostHeader}`];
    for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
    return new Promise((resolve, reject) => {
      this.#pending = { resolve, reject, onBody, head: '', remaining: -1, answer: undefined };
      this.#socket.write(`${lines.join('\r\n')}${HEAD_END}`);
    });
  }

  /** Closes the connection; a request in flight fails. */
  destroy() {
    this.#socket?.destroy();
  }

  #connect() {
    if (this.#socket !== undefined && !this.#socket.destroyed) return this.#connected;
    const socket = connect({
      host: '127.0.0.1',
      port: this.#port,
      onread: { buffer: this.#buffer, callback: (length, buffer) => this.#onRead(length, buffer) },
    });
    socket.setNoDelay(true);
    // A socket this connection has already let go (after a `Connection: close` answer) has no
    // request left to fail: the pending one, if any, is on its successor.
    socket.on('error', (error) => {
      if (this.#socket === socket) this.#fail(error);
    });
    socket.on('close', () => {
      if (this.#socket !== socket) return;
      this.#socket = undefined;
      this.#fail(new Error('the connection closed before the answer ended'));
    });
    this.#socket = socket;
    this.#connected = new Promise((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return this.#connected;
  }

  #onRead(length, buffer) {
    const pending = this.#pending;
    if (pending === undefined) {
      this.#socket?.destroy(new Error('bytes arrived with no request in flight'));
      return;
    }
    try {
      let offset = 0;
      if (pending.answer === undefined) {
        if (pending.head === '') {
          // Usually the whole head is in the first read: find its end without converting the body.
          const end = buffer.subarray(0, length).indexOf(HEAD_END);
          if (end < 0) {
            this.#carryHead(pending, buffer.latin1Slice(0, length));
            return;
          }
          if (end > MAX_HEAD_BYTES) throw new Error('a response head over 64 KiB');
          pending.answer = parseHead(buffer.latin1Slice(0, end));
          offset = end + HEAD_END.length;
        } else {
          pending.head += buffer.latin1Slice(0, length);
          const end = pending.head.indexOf(HEAD_END);
          if (end < 0) {
            this.#carryHead(pending, '');
            return;
          }
          if (end > MAX_HEAD_BYTES) throw new Error('a response head over 64 KiB');
          pending.answer = parseHead(pending.head.slice(0, end));
          offset = length - (pending.head.length - end - HEAD_END.length);
          pending.head = '';
        }
        pending.remaining = pending.answer.length;
      }
      const received = length - offset;
      if (received > pending.remaining) throw new Error(`${received - pending.remaining} bytes beyond the announced Content-Length`);
      if (received > 0) pending.onBody(buffer.subarray(offset, length));
      pending.remaining -= received;
      if (pending.remaining === 0) this.#complete(pending);
    } catch (error) {
      this.#socket?.destroy();
      this.#fail(error);
    }
  }

  /** Keeps the start of a head that continues in the next read. */
  #carryHead(pending, text) {
    pending.head += text;
    if (pending.head.length > MAX_HEAD_BYTES) throw new Error('a response head over 64 KiB');
  }

  #complete(pending) {
    this.#pending = undefined;
    if (pending.answer.close) {
      const socket = this.#socket;
      this.#socket = undefined;
      socket?.end();
    }
    pending.resolve({ status: pending.answer.status, length: pending.answer.length });
  }

  #fail(error) {
    const pending = this.#pending;
    if (pending === undefined) return;
    this.#pending = undefined;
    pending.reject(error);
  }
}
