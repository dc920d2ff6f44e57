import type { IncomingMessage } from 'node:http';
import type { Stowage } from '../media/stowage.js';
import type { Principal } from '../policies/index.js';
import { errorAnswer, isClientGone, jsonErrorAnswer, type HttpAnswer } from './http-answer.js';
import { isClientStall } from './upload/guarded-body.js';
import { createdResponse, receiveUpload, type UploadLimits } from './upload/index.js';

/** What {@link uploadAnswer} needs besides the body. */
export interface UploadAnswerOptions {
  readonly principal: Principal | null;
  readonly limits: UploadLimits;
  readonly signal: AbortSignal | undefined;
  readonly prefix: string;
  /** The `WWW-Authenticate` value of a 401. */
  readonly challenge: string;
}

/**
 * Receives an upload (`receiveUpload`) and answers `createdResponse`'s 201, with lower-case
 * header names, `Content-Length`, `nosniff` and `Cache-Control: no-store`.
 *
 * Behavior: a failed upload answers its JSON error with `Connection: close`, since the unread
 * rest of the body is left on the socket; a body that stalled past the idle timeout is 408; `STOWAGE_ABORTED` (the client went away) is rethrown.
 */
export async function uploadAnswer(stowage: Stowage, body: IncomingMessage, options: UploadAnswerOptions): Promise<HttpAnswer> {
  try {
    const result = await receiveUpload(stowage, body, {
      principal: options.principal,
      limits: options.limits,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    const created = createdResponse(result, options.prefix);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(created.headers)) headers[name.toLowerCase()] = value;
    headers['x-content-type-options'] = 'nosniff';
    headers['cache-control'] = 'no-store';
    headers['content-length'] = String(Buffer.byteLength(created.body));
    return { status: created.status, headers, body: created.body };
  } catch (error) {
    if (isClientGone(error)) throw error;
    // A body that stalled is the client's timeout: 408, not the storage's 504.
    const answer = isClientStall(error)
      ? jsonErrorAnswer('STOWAGE_TIMEOUT', 'The request body stalled; send it faster or retry', {}, 408)
      : errorAnswer(error, options.challenge);
    return { ...answer, headers: { ...answer.headers, connection: 'close' } };
  }
}
