import type { ServerResponse } from 'node:http';
import { finished, type Readable } from 'node:stream';
import { chunkRecyclerOf } from '../chunked-readable.js';
import { CLIENT_GONE, dropBody, errorAnswer, type Decision } from './http-answer.js';

/** Headers that hand the response to a proxy: never kept from anything written before us. */
function isDelegationHeader(name: string): boolean {
  return name.startsWith('x-accel-') || name === 'x-sendfile';
}

/** Resolves when the response has finished or was destroyed. */
function settled(res: ServerResponse): Promise<void> {
  if (res.writableFinished || res.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('finish', done);
      res.off('close', done);
      resolve();
    };
    res.on('finish', done);
    res.on('close', done);
  });
}

/**
 * Pipes `stream` into `res` with backpressure and resolves once both are done (the stream
 * closed, the response finished) or torn down: if either fails or closes early, both are
 * destroyed. Each chunk's write callback tells a stream that recycles its buffers
 * ({@link chunkRecyclerOf}) that the chunk was written.
 */
function sendStream(stream: Readable, res: ServerResponse): Promise<void> {
  const written = chunkRecyclerOf(stream);
  return new Promise((resolve) => {
    let pending = 2;
    let failed = false;
    const settle = (error?: Error | null): void => {
      if (error != null && !failed) {
        failed = true;
        stream.destroy();
        res.destroy();
      }
      if (--pending === 0) resolve();
    };
    finished(stream, settle);
    finished(res, settle);
    const resume = (): void => {
      stream.resume();
    };
    res.on('drain', resume);
    stream.on('data', (chunk: Buffer) => {
      const more =
        written === undefined
          ? res.write(chunk)
          : res.write(chunk, (error) => {
              if (error == null) written(chunk);
            });
      if (!more) stream.pause();
    });
    stream.once('end', () => {
      res.off('drain', resume);
      res.end();
    });
  });
}

/**
 * Sends a decision on a node:http response and resolves when it is done (finished or destroyed).
 *
 * Behavior:
 * - {@link CLIENT_GONE} destroys the response; so does a response already sent or destroyed.
 * - `X-Accel-*` and `X-Sendfile` headers set on `res` by earlier code are removed first; only
 *   the answer's own delegation headers go out.
 * - HEAD sends the same status and headers without a body (a body stream is destroyed unread).
 * - A body held in memory (`bytes`) is written in one go, and done once the socket has taken
 *   all of it (at once, for one the kernel accepts whole) or the response finished.
 * - A streamed body is piped with backpressure; if the stream fails mid-way, or the client goes
 *   away, both sides are destroyed, so the client sees a broken connection, never a clean short
 *   body. A streamed body that makes no progress for `idleTimeoutMs` (the client stopped
 *   reading) destroys the connection. Never rejects.
 */
export async function sendNodeAnswer(
  res: ServerResponse,
  decision: Decision,
  method: string,
  challenge: string,
  idleTimeoutMs: number,
): Promise<void> {
  if (decision === CLIENT_GONE || res.headersSent || res.destroyed) {
    if (decision !== CLIENT_GONE) dropBody(decision.body);
    res.destroy();
    return;
  }
  let answer = decision;
  for (const name of res.getHeaderNames()) if (isDelegationHeader(name)) res.removeHeader(name);
  try {
    res.writeHead(answer.status, answer.headers);
  } catch (error) {
    // A header value Node refuses (it validates characters): answer 500 instead.
    dropBody(answer.body);
    answer = errorAnswer(error, challenge);
    res.writeHead(answer.status, answer.headers);
  }
  const body = answer.body;
  if (method === 'HEAD' || body === undefined) {
    dropBody(answer.body);
    res.end();
    return;
  }
  if (typeof body === 'string') {
    res.end(body);
    return;
  }
  const onStall = (): void => {
    res.destroy();
  };
  if (body.bytes !== undefined) {
    // Held in memory (a cached small blob): written in one go, no stream to pipe. Finished at
    // once when the socket took every byte (nothing left in Node's buffers, and `end` not
    // deferred by a wrapper such as compression); otherwise the client must read it within the
    // idle timeout.
    res.end(body.bytes);
    if (res.writableFinished) return;
    res.setTimeout(idleTimeoutMs, onStall);
    await settled(res);
    res.off('timeout', onStall);
    return;
  }
  res.setTimeout(idleTimeoutMs, onStall);
  try {
    // On a failure both sides are destroyed: the socket closes without a clean end.
    await sendStream(body.stream, res);
  } finally {
    res.off('timeout', onStall);
  }
}
