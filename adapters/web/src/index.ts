import type { MediaHandler, Principal } from '@stowage/core';

/** The JSON 404 for requests outside the handler's routes. */
export function notFoundResponse(): Response {
  return new Response(JSON.stringify({ error: 'Not found', code: 'STOWAGE_NOT_FOUND' }), {
    status: 404,
    headers: { 'content-type': 'application/json; charset=utf-8', 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' },
  });
}

/**
 * A fetch-style handler (`(request) => Promise<Response>`) for any runtime with the Fetch API:
 * the handler's routes, and `fallback` (a JSON 404 by default) for everything else.
 */
export function fetchHandler(
  handler: MediaHandler,
  options: {
    readonly fallback?: (request: Request) => Response | Promise<Response>;
    readonly principalOf?: (request: Request) => Principal | null | undefined;
  } = {},
): (request: Request) => Promise<Response> {
  return async (request) => {
    const principal = options.principalOf?.(request);
    const response = await handler.handleWeb(request, principal === undefined ? {} : { principal });
    return response ?? (options.fallback === undefined ? notFoundResponse() : options.fallback(request));
  };
}
