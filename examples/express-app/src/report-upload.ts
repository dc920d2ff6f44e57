import type { IncomingMessage } from 'node:http';
import { uploadAnswer, type HttpAnswer, type Stowage, type UploadLimits } from '@stowage/core';
import { answerText, failureAnswer, failureOf } from './json-answer.js';
import { MEDIA_PREFIX, type ReportLog } from './reports.js';
import { APP_CHALLENGE, requireUser, type AppUser } from './users.js';

/** What {@link receiveReport} works with: the same for every upload of one application. */
export interface ReportUploadOptions {
  readonly stowage: Stowage;
  readonly reports: ReportLog;
  readonly limits: UploadLimits;
  /** Told about 5xx answers and about uploads stored but not recorded. */
  readonly onError: (error: unknown) => void;
}

/**
 * One `POST /api/reports`, independent of the framework: core's `uploadAnswer` receives the body
 * (multipart or raw) as `user` and decides the answer; a 201 is then recorded in the report log.
 *
 * Behavior:
 * - No user: the 401 JSON error (`WWW-Authenticate:` the application's challenge) with
 *   `Connection: close`; the body is not read.
 * - Otherwise `uploadAnswer`'s answer, unchanged: the 201 (`Location: /media/<long id>/<filename>`),
 *   or the JSON error with `Connection: close` (408 for a body that stalled past
 *   `limits.idleTimeoutMs`, 413 over the limits, 5xx with a fixed text), after which nothing is
 *   stored. A 5xx is reported to `onError` by its code (core keeps the original error).
 * - After a 201 the entries are read back (`Stowage.list` as `user`) and recorded as `user`'s
 *   report; if that fails the upload is stored all the same, so the 201 stands and the failure
 *   goes to `onError`.
 *
 * Errors: `STOWAGE_ABORTED` when `signal` aborts or the client goes away mid-body (there is no one
 * to answer).
 */
export async function receiveReport(body: IncomingMessage, user: AppUser | undefined, signal: AbortSignal, options: ReportUploadOptions): Promise<HttpAnswer> {
  let owner: AppUser;
  try {
    owner = requireUser(user);
  } catch (error) {
    const refused = failureAnswer(error);
    return { ...refused, headers: { ...refused.headers, connection: 'close' } };
  }
  const { stowage, reports, onError } = options;
  const answer = await uploadAnswer(stowage, body, { principal: owner, limits: options.limits, signal, prefix: MEDIA_PREFIX, challenge: APP_CHALLENGE });
  if (answer.status >= 500) onError(failureOf(answer));
  if (answer.status !== 201) return answer;
  try {
    const { id } = JSON.parse(answerText(answer)) as { id: string };
    reports.add(owner.name, { id, entries: await stowage.list(id, { principal: owner }) });
  } catch (error) {
    onError(error);
  }
  return answer;
}
