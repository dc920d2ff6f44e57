import type { Principal } from '../../policies/index.js';
import { isStowageError, StowageError } from '../../stowage-error.js';
import type { AuthRequest, AuthStrategy } from './auth-strategy.js';
import { couchdbSessionPrincipal } from './couchdb-session.js';
import { asPrincipal } from './principal-check.js';
import { invalidAuthConfig, unauthenticated } from './unauthenticated.js';

/** Options of {@link forwardAuth}. */
export interface ForwardAuthOptions {
  /** The http(s) URL asked who the credentials belong to, e.g. `http://127.0.0.1:5984/_session`. */
  readonly url: string;
  /** How long the upstream may take, answer body included. @default 5000 */
  readonly timeoutMs?: number;
  /**
   * The principal named by a 200 answer's JSON body, or `null` for anonymous. Throwing a
   * `StowageError` passes it on; throwing anything else, or answering something that is not a
   * principal, is `STOWAGE_UNAVAILABLE`. @default {@link couchdbSessionPrincipal}
   */
  readonly principalOf?: (body: unknown, response: Response) => Principal | null;
}

/** The default upstream timeout of {@link forwardAuth}. */
export const DEFAULT_FORWARD_AUTH_TIMEOUT_MS = 5000;
const MAX_TIMEOUT_MS = 600_000;
const MAX_FORWARDED_HEADER_LENGTH = 8192;
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * Forward-auth: the request's `Cookie` and `Authorization` headers (only those) are sent with a
 * `GET` to `options.url`, and its answer names the principal, as the nEDM server asks CouchDB.
 *
 * Behavior:
 * - Neither header on the request → `null` without calling the upstream.
 * - A forwarded header with control characters, over 8192 characters, or several
 *   `Authorization` values → `STOWAGE_UNAUTHENTICATED` without calling the upstream.
 * - Upstream 200 → `principalOf(JSON body)`; 401 or 403 → `STOWAGE_UNAUTHENTICATED`.
 * - Any other status (redirects are not followed), a network error, the timeout, a body that is
 *   not JSON or over 64 KiB, or an unexpected shape → `STOWAGE_UNAVAILABLE` (503, retryable;
 *   `retryAfterMs` from a `Retry-After` in seconds).
 * - The request's `signal` aborting → `STOWAGE_ABORTED`.
 * - Throws `STOWAGE_INVALID_CONFIG` at creation for a URL that is not http(s), a timeout that is
 *   not an integer from 1 to 600000, or a `principalOf` that is not a function.
 */
export function forwardAuth(options: ForwardAuthOptions): AuthStrategy {
  const url = upstreamUrlOf(options.url);
  const timeoutMs = options.timeoutMs ?? DEFAULT_FORWARD_AUTH_TIMEOUT_MS;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > MAX_TIMEOUT_MS) {
    throw invalidAuthConfig('timeoutMs', `must be an integer from 1 to ${MAX_TIMEOUT_MS}`);
  }
  const principalOf = options.principalOf ?? couchdbSessionPrincipal;
  if (typeof principalOf !== 'function') throw invalidAuthConfig('principalOf', 'must be a function');

  return async (request) => {
    const headers = forwardedHeaders(request);
    if (headers === undefined) return null;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = request.signal === undefined ? timeout : AbortSignal.any([request.signal, timeout]);
    try {
      const response = await fetch(url, { method: 'GET', headers, signal, redirect: 'manual' });
      if (response.status === 401 || response.status === 403) {
        await response.body?.cancel();
        throw unauthenticated();
      }
      if (response.status !== 200) {
        await response.body?.cancel();
        throw unavailable(`answered ${response.status}`, undefined, retryAfterMsOf(response));
      }
      const body = JSON.parse(await readCapped(response)) as unknown;
      return principalFrom(principalOf, body, response);
    } catch (error) {
      if (isStowageError(error)) throw error;
      if (request.signal?.aborted === true) {
        throw new StowageError('STOWAGE_ABORTED', 'The request was aborted during authentication', { cause: error });
      }
      if (timeout.aborted) throw unavailable(`did not answer within ${timeoutMs} ms`, error);
      throw unavailable('cannot be reached or answered garbage', error);
    }
  };
}

function upstreamUrlOf(value: unknown): URL {
  let url: URL | undefined;
  try {
    url = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw invalidAuthConfig('url', 'must be an absolute http or https URL');
  }
  return url;
}

/** The headers to forward, or `undefined` when the request carries neither credential header. */
function forwardedHeaders(request: AuthRequest): Record<string, string> | undefined {
  const cookie = forwardable(request.headers['cookie'], true);
  const authorization = forwardable(request.headers['authorization'], false);
  if (cookie === undefined && authorization === undefined) return undefined;
  return {
    accept: 'application/json',
    ...(cookie === undefined ? {} : { cookie }),
    ...(authorization === undefined ? {} : { authorization }),
  };
}

/**
 * A header value safe to send on, `undefined` when absent or empty. Several values are joined
 * with `"; "` (the cookie separator) when `severalAllowed`, refused otherwise.
 */
function forwardable(raw: unknown, severalAllowed: boolean): string | undefined {
  let value = raw;
  if (Array.isArray(raw)) {
    if (raw.length > 1 && !severalAllowed) throw unauthenticated();
    value = raw.join('; ');
  }
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  if (value.length > MAX_FORWARDED_HEADER_LENGTH) throw unauthenticated();
  for (let index = 0; index < value.length; index += 1) {
    const code = value.charCodeAt(index);
    if ((code < 0x20 && code !== 0x09) || code === 0x7f || code > 0xff) throw unauthenticated();
  }
  return value;
}

async function readCapped(response: Response): Promise<string> {
  const reader = response.body?.getReader();
  if (reader === undefined) return '';
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > MAX_ANSWER_BYTES) {
      await reader.cancel();
      throw unavailable(`answered more than ${MAX_ANSWER_BYTES} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function principalFrom(
  principalOf: NonNullable<ForwardAuthOptions['principalOf']>,
  body: unknown,
  response: Response,
): Principal | null {
  let answer: unknown;
  try {
    answer = principalOf(body, response);
  } catch (error) {
    if (isStowageError(error)) throw error;
    throw unavailable('answered a body principalOf could not read', error);
  }
  if (answer === null) return null;
  const principal = asPrincipal(answer);
  if (principal === undefined) throw unavailable('answered a body that names no valid principal');
  return principal;
}

function retryAfterMsOf(response: Response): number | undefined {
  const value = response.headers.get('retry-after');
  if (value === null || !/^\d{1,6}$/.test(value.trim())) return undefined;
  return Number(value.trim()) * 1000;
}

function unavailable(problem: string, cause?: unknown, retryAfterMs?: number): StowageError {
  return new StowageError('STOWAGE_UNAVAILABLE', `The authentication upstream ${problem}`, {
    ...(cause === undefined ? {} : { cause }),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}
