import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { MediaHandler, Principal } from '@stowage/core';

/** Options of {@link stowageMiddleware}. */
export interface ExpressAdapterOptions {
  /**
   * The principal Express already knows (from passport and the like). Default: `req.user` when it
   * has a non-empty string `name` or `username`, else none (the handler's own auth strategies run).
   */
  readonly principalOf?: (request: Request) => Principal | null | undefined;
}

function defaultPrincipal(request: Request): Principal | undefined {
  const user = (request as Request & { user?: { name?: unknown; username?: unknown; groups?: unknown } }).user;
  const name = typeof user?.name === 'string' ? user.name : typeof user?.username === 'string' ? user.username : undefined;
  if (name === undefined || name === '') return undefined;
  const groups = Array.isArray(user?.groups) ? user.groups.filter((group): group is string => typeof group === 'string') : undefined;
  return groups === undefined ? { name } : { name, groups };
}

/**
 * Express middleware serving the handler's routes. Mount it before body parsers (it reads upload
 * bodies itself); requests outside its routes go on to `next()`.
 */
export function stowageMiddleware(handler: MediaHandler, options: ExpressAdapterOptions = {}): RequestHandler {
  const principalOf = options.principalOf ?? defaultPrincipal;
  return (request: Request, response: Response, next: NextFunction) => {
    const principal = principalOf(request);
    handler.handle(request, response, principal === undefined ? {} : { principal }).then((handled) => {
      if (!handled) next();
    }, next);
  };
}
