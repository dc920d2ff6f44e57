import type { CatalogEntry } from '../../catalog/entry.js';
import { isLongId } from '../../hashing/index.js';
import type { Stage } from '../../pipeline/pipeline.js';
import { decideAccess, accessError, notFoundError, type Principal } from '../../policies/index.js';
import type { MediaServices } from '../services.js';
import type { MediaOptions } from '../types.js';
import { isVisible } from './lookup.js';

/** The context of the `list` pipeline. */
export interface ListContext {
  readonly services: MediaServices;
  readonly options: MediaOptions;
  readonly principal: Principal | null;
  readonly id: string;
  /** The visible entries of the id, in upload order; narrowed by `authorize`. */
  entries?: readonly CatalogEntry[];
  readonly state: Record<string, unknown>;
}

/** The `resolve` stage of `list`: the visible entries of the id in upload order, or `STOWAGE_NOT_FOUND`. */
export const listResolveStage: Stage<ListContext> = {
  name: 'resolve',
  async run(context, next) {
    const { catalog, config } = context.services;
    if (typeof context.id !== 'string' || !isLongId(context.id)) throw notFoundError({ id: String(context.id), filename: '' });
    const now = config.clock();
    const entries = (await catalog.listEntries(context.id)).filter((entry) => isVisible(entry, now));
    if (entries.length === 0) throw notFoundError({ id: context.id, filename: '' });
    context.entries = entries;
    await next();
  },
};

/**
 * The `authorize` stage of `list`: keeps the entries the caller may read. When it may read none,
 * the refusal of the first entry is thrown (401, 403, or a not-found when hidden).
 */
export const listAuthorizeStage: Stage<ListContext> = {
  name: 'authorize',
  async run(context, next) {
    const entries = context.entries ?? [];
    const outcomes = await Promise.all(
      entries.map((entry) => decideAccess({ principal: context.principal, action: 'read', entry }, context.services.config.permissions)),
    );
    const readable = entries.filter((_, index) => outcomes[index] === 'allow');
    const first = outcomes[0];
    if (readable.length === 0 && first !== undefined && first !== 'allow') throw accessError(first, entries[0]);
    context.entries = Object.freeze(readable);
    await next();
  },
};
