import type { Server } from 'node:http';
import { StowageError } from '../stowage-error.js';

/** Connection-level bounds of a node:http server (what one handler cannot enforce alone). */
export interface ServerLimits {
  /** Milliseconds to receive a request's whole header block (slowloris). @defaultValue 20 000 */
  readonly headersTimeoutMs?: number;
  /**
   * Milliseconds to receive a whole request, body included; `0` turns it off. Uploads are also
   * bounded by the upload idle timeout, so this is a backstop. @defaultValue 3 600 000 (1 hour)
   */
  readonly requestTimeoutMs?: number;
  /** Milliseconds an idle keep-alive connection is kept. @defaultValue 5 000 */
  readonly keepAliveTimeoutMs?: number;
  /** Header lines accepted in one request. @defaultValue 100 */
  readonly maxHeadersCount?: number;
  /** Requests served on one connection before it is closed; `0` for no bound. @defaultValue 1 000 */
  readonly maxRequestsPerSocket?: number;
}

/**
 * Bytes of one request's header block, for `http.createServer({ maxHeaderSize })` (it cannot be
 * changed on a running server); over it Node answers 431.
 */
export const MAX_HEADER_BYTES = 16 * 1024;

const DEFAULTS: Readonly<Required<ServerLimits>> = Object.freeze({
  headersTimeoutMs: 20_000,
  requestTimeoutMs: 3_600_000,
  keepAliveTimeoutMs: 5_000,
  maxHeadersCount: 100,
  maxRequestsPerSocket: 1_000,
});

/**
 * Applies {@link ServerLimits} to a node:http server (one made by Express's or Koa's `listen`
 * included) and returns it. Node requires `headersTimeout` to be at most `requestTimeout`
 * unless the latter is off; both are checked here.
 *
 * @throws StowageError `STOWAGE_INVALID_CONFIG` naming the field.
 */
export function applyServerLimits<T extends Server>(server: T, limits: ServerLimits = {}): T {
  const resolved: Record<string, number> = { ...DEFAULTS };
  for (const [key, value] of Object.entries(limits)) {
    if (!(key in DEFAULTS)) throw new StowageError('STOWAGE_INVALID_CONFIG', `limits.${key} is not a server limit`);
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      throw new StowageError('STOWAGE_INVALID_CONFIG', `limits.${key} must be an integer >= 0`);
    }
    resolved[key] = value;
  }
  const settings = resolved as Required<ServerLimits>;
  if (settings.requestTimeoutMs !== 0 && settings.headersTimeoutMs > settings.requestTimeoutMs) {
    throw new StowageError('STOWAGE_INVALID_CONFIG', 'limits.headersTimeoutMs may not exceed limits.requestTimeoutMs');
  }
  server.headersTimeout = settings.headersTimeoutMs;
  server.requestTimeout = settings.requestTimeoutMs;
  server.keepAliveTimeout = settings.keepAliveTimeoutMs;
  server.maxHeadersCount = settings.maxHeadersCount;
  server.maxRequestsPerSocket = settings.maxRequestsPerSocket;
  return server;
}
