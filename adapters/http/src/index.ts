import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { applyServerLimits, MAX_HEADER_BYTES, type MediaHandler, type ServerLimits } from '@stowage/core';

/** What a request outside every mounted profile gets: a JSON 404 like the handler's own. */
export function answerNotFound(response: ServerResponse): void {
  response.writeHead(404, {
    'content-type': 'application/json; charset=utf-8',
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
  });
  response.end(JSON.stringify({ error: 'Not found', code: 'STOWAGE_NOT_FOUND' }));
}

/**
 * A `node:http` request listener serving the handler's routes, and a JSON 404 for everything
 * else (or `fallback`, for an application's own routes).
 */
export function requestListener(
  handler: MediaHandler,
  fallback: (request: IncomingMessage, response: ServerResponse) => void = (_request, response) => answerNotFound(response),
): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    void handler.handle(request, response).then((handled) => {
      if (!handled) fallback(request, response);
    });
  };
}

/**
 * A `node:http` server over the handler (not yet listening), with a {@link MAX_HEADER_BYTES}
 * header block and the connection limits of `applyServerLimits` (defaults unless given).
 */
export function createStowageServer(handler: MediaHandler, limits: ServerLimits = {}): Server {
  return applyServerLimits(createServer({ maxHeaderSize: MAX_HEADER_BYTES }, requestListener(handler)), limits);
}
