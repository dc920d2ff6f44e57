import type { CatalogEntry, EntryKey } from '../../catalog/entry.js';
import { isLongId } from '../../hashing/index.js';
import type { Stage } from '../../pipeline/pipeline.js';
import type { Principal } from '../../policies/index.js';
import { isStowageError } from '../../stowage-error.js';
import { required } from '../layout.js';
import { accessError, decideAccess } from '../../policies/index.js';
import { normalizeFilename } from '../put/validate-stage.js';
import type { MediaServices } from '../services.js';
import type { MediaOptions, RemoveResult } from '../types.js';

/** What a remove addresses: one entry, or every entry of an id (a whole folder-like). */
export type RemoveTarget = EntryKey | { readonly id: string; readonly filename?: undefined };

/** The context of the `remove` pipeline. */
export interface RemoveContext {
  readonly services: MediaServices;
  readonly options: MediaOptions;
  readonly principal: Principal | null;
  readonly target: RemoveTarget;
  /** The committed (or lost) entries the remove applies to. */
  entries?: readonly CatalogEntry[];
  result?: RemoveResult;
  readonly state: Record<string, unknown>;
}

/**
 * The `resolve` stage of `remove`: the entries the target names that are `committed` or `lost`
 * (expired ones included, so removal works on them too). None is not an error: removal is
 * idempotent and answers an empty list.
 */
export const removeResolveStage: Stage<RemoveContext> = {
  name: 'resolve',
  async run(context, next) {
    const { target } = context;
    const { catalog } = context.services;
    let entries: readonly CatalogEntry[] = [];
    if (typeof target?.id === 'string' && isLongId(target.id)) {
      if (target.filename === undefined) {
        entries = await catalog.listEntries(target.id);
      } else {
        const entry = await catalog.getEntry({ id: target.id, filename: normalizeFilename(target.filename) });
        entries = entry === undefined ? [] : [entry];
      }
    }
    context.entries = entries.filter((entry) => entry.state === 'committed' || entry.state === 'lost');
    if (context.entries.length === 0) {
      context.result = Object.freeze({ removed: Object.freeze([]) });
      return;
    }
    await next();
  },
};

/**
 * The `authorize` stage of `remove`: the caller must be allowed to modify every entry. Entries
 * the caller may not know about (hidden) are left out as if absent, so a remove never reveals
 * that they exist.
 */
export const removeAuthorizeStage: Stage<RemoveContext> = {
  name: 'authorize',
  async run(context, next) {
    const allowed: CatalogEntry[] = [];
    for (const entry of required(context.entries, 'the entries')) {
      const outcome = await decideAccess({ principal: context.principal, action: 'modify', entry }, context.services.config.permissions);
      if (outcome === 'allow') allowed.push(entry);
      else if (outcome !== 'hidden') throw accessError(outcome, entry);
    }
    if (allowed.length === 0) {
      context.result = Object.freeze({ removed: Object.freeze([]) });
      return;
    }
    context.entries = allowed;
    await next();
  },
};

/**
 * The `mark` stage: moves each entry to `deleting`, so reads stop at once. An entry another
 * remove got to first is skipped. If a later stage fails, the marks are reverted.
 */
export const markStage: Stage<RemoveContext> = {
  name: 'mark',
  async run(context, next) {
    const { catalog, config } = context.services;
    const marked: CatalogEntry[] = [];
    for (const entry of required(context.entries, 'the entries')) {
      const current = await markDeleting(context, entry);
      if (current !== undefined) marked.push(current);
    }
    context.entries = marked;
    if (marked.length === 0) {
      context.result = Object.freeze({ removed: Object.freeze([]) });
      return;
    }
    config.checkpoint('remove:marked');
    try {
      await next();
    } catch (error) {
      for (const entry of marked) {
        await catalog.transitionEntries([entry], 'deleting', entry.state).catch(() => undefined);
      }
      throw error;
    }
  },
};

/**
 * Moves one entry to `deleting` from whatever visible state it is in now (fsck may have marked it
 * lost since it was read); `undefined` when another remove got there first.
 */
async function markDeleting(context: RemoveContext, entry: CatalogEntry): Promise<CatalogEntry | undefined> {
  const { catalog } = context.services;
  let current: CatalogEntry | undefined = entry;
  for (let attempt = 0; attempt < 3 && current !== undefined; attempt++) {
    if (current.state !== 'committed' && current.state !== 'lost') return undefined;
    try {
      await catalog.transitionEntries([current], current.state, 'deleting');
      return current;
    } catch (error) {
      if (!isStowageError(error, 'STOWAGE_NOT_FOUND')) throw error;
      current = await catalog.getEntry(current);
    }
  }
  return undefined;
}

/**
 * The `delete` stage: deletes the rows, which drops their blob references. Blobs stay until the
 * collector finds them unreferenced past the grace period.
 */
export const deleteStage: Stage<RemoveContext> = {
  name: 'delete',
  async run(context, next) {
    const { catalog, config } = context.services;
    const removed = await catalog.deleteEntries(required(context.entries, 'the entries'), config.clock());
    config.checkpoint('remove:deleted');
    context.result = Object.freeze({ removed: Object.freeze([...removed]) });
    await next();
  },
};
