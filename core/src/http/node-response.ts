import type { ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { CLIENT_GONE, errorAnswer, type Decision, type HttpAnswer } from './http-answer.js';

/** Headers that hand the response to a proxy: never kept from anything written before us. */
function isDelegationHeader(name: string): boolean {
  return name.startsWith('x-accel-') || name === 'x-sendfile';
}

function dropStream(answer: HttpAnswer): void {
  if (typeof answer.body === 'object') answer.body.stream.destroy();
}

/**
 * Sends a decision on a node:http response and resolves when it is done (finished or destroyed).
 *
 * Behavior:
 * - {@link CLIENT_GONE} destroys the response; so does a response already sent or destroyed.
 * - `X-Accel-*` and `X-Sendfile` headers set on `res` by earlier code are removed first; only
 *   the answer's own delegation headers go out.
 * - HEAD sends the same status and headers without a body (a body stream is destroyed unread).
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
    if (decision !== CLIENT_GONE) dropStream(decision);
    res.destroy();
    return;
  }
  let answer = decision;
  for (const name of res.getHeaderNames()) if (isDelegationHeader(name)) res.removeHeader(name);
  try {
    res.writeHead(answer.status, answer.headers);
  } catch (error) {
    // A header value Node refuses (it validates characters): answer 500 instead.
    dropStream(answer);
    answer = errorAnswer(error, challenge);
    res.writeHead(answer.status, answer.headers);
  }
  const body = answer.body;
  if (method === 'HEAD' || body === undefined) {
    dropStream(answer);
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
  res.setTimeout(idleTimeoutMs, onStall);
  try {
    await pipeline(body.stream, res);
  } catch {
    // pipeline destroyed both the stream and the response: the socket closes without a clean end.
    res.destroy();
  } finally {
    res.off('timeout', onStall);
  }
}
