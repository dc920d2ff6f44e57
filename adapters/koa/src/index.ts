import type { Context, Middleware, Next } from 'koa';
import type { MediaHandler, Principal } from '@stowage/core';

/** Options of {@link stowageKoa}. */
export interface KoaAdapterOptions {
  /** The principal Koa already knows. Default: `ctx.state.user` when it has a non-empty string `name`. */
  readonly principalOf?: (context: Context) => Principal | null | undefined;
}

function defaultPrincipal(context: Context): Principal | undefined {
  const user = (context.state as { user?: { name?: unknown; groups?: unknown } }).user;
  if (typeof user?.name !== 'string' || user.name === '') return undefined;
  const groups = Array.isArray(user.groups) ? user.groups.filter((group): group is string => typeof group === 'string') : undefined;
  return groups === undefined ? { name: user.name } : { name: user.name, groups };
}

/**
 * Koa middleware serving the handler's routes on the raw `ctx.req`/`ctx.res` with
 * `ctx.respond = false`; requests outside its routes go on to `next()` with Koa responding.
 */
export function stowageKoa(handler: MediaHandler, options: KoaAdapterOptions = {}): Middleware {
  const principalOf = options.principalOf ?? defaultPrincipal;
  return async (context: Context, next: Next) => {
    const principal = principalOf(context);
    context.respond = false;
    const handled = await handler.handle(context.req, context.res, principal === undefined ? {} : { principal });
    if (handled) return;
    context.respond = true;
    await next();
  };
}
