import type { EntryKey } from '../catalog/entry.js';
import type { ReplaceContext } from '../media/change/replace.js';
import { required } from '../media/layout.js';
import type { ListContext } from '../media/read/list.js';
import type { ReadContext } from '../media/read/read-context.js';
import type { Stowage } from '../media/stowage.js';
import type { Stage } from '../pipeline/pipeline.js';
import { notFoundError } from '../policies/index.js';

/**
 * The media-type parameter that marks a folder-like member as stored but never served (a task
 * file that is not exported). It travels in the entry's `contentType`, the one per-file field a
 * put records, until the catalog has a field of its own for it.
 */
export const UNSERVED_PARAMETER = 'stowage-served=no';

/** The names of the guard stages {@link installUnservedGuards} inserts. */
export const UNSERVED_STAGE_NAMES = Object.freeze({ entry: 'hide-unserved', target: 'hide-unserved-target' });

/** `contentType` with the {@link UNSERVED_PARAMETER} appended (once). */
export function markUnserved(contentType: string): string {
  return isUnserved({ contentType }) ? contentType : `${contentType}; ${UNSERVED_PARAMETER}`;
}

/** Whether an entry is marked as never served. */
export function isUnserved(entry: { readonly contentType: string }): boolean {
  // Asked on every read: a test instead of splitting the type into parameters.
  return UNSERVED_PATTERN.test(entry.contentType);
}

/** A `;`-separated parameter that is exactly {@link UNSERVED_PARAMETER} (case-insensitive, spaces around). */
const UNSERVED_PATTERN = /;\s*stowage-served=no\s*(?=;|$)/i;

/**
 * The `hide-unserved` stage of `open` and `stat` (after `resolve`): an unserved entry answers
 * exactly as a missing one (`STOWAGE_NOT_FOUND`), before authorization, so it is neither read nor
 * revealed; a `replaced` answer whose target is unserved is the same not-found.
 */
export const hideUnservedStage: Stage<ReadContext> = {
  name: UNSERVED_STAGE_NAMES.entry,
  async run(context, next) {
    if (isUnserved(required(context.entry, 'the entry'))) throw notFoundError(context.key);
    await next();
    const result = context.result;
    if (result?.kind === 'replaced') {
      const target = await context.services.catalog.getEntry(result.location);
      if (target !== undefined && isUnserved(target)) throw notFoundError(context.key);
    }
  },
};

/**
 * The `hide-unserved-target` stage of `open` and `stat` (before `read` / `describe`): the entry
 * actually served, the end of a followed replacement chain included, must not be unserved.
 */
export const hideUnservedTargetStage: Stage<ReadContext> = {
  name: UNSERVED_STAGE_NAMES.target,
  async run(context, next) {
    if (isUnserved(required(context.entry, 'the entry'))) throw notFoundError(context.key);
    await next();
  },
};

/** The `hide-unserved` stage of `list` (after `resolve`): drops unserved members; none left is `STOWAGE_NOT_FOUND`. */
export const hideUnservedListStage: Stage<ListContext> = {
  name: UNSERVED_STAGE_NAMES.entry,
  async run(context, next) {
    const served = (context.entries ?? []).filter((entry) => !isUnserved(entry));
    if (served.length === 0) throw notFoundError({ id: context.id, filename: '' });
    context.entries = served;
    await next();
  },
};

/** The `hide-unserved` stage of `replace` (after `resolve`): an unserved entry cannot become a replacement. */
export const hideUnservedReplacementStage: Stage<ReplaceContext> = {
  name: UNSERVED_STAGE_NAMES.entry,
  async run(context, next) {
    const replacement: EntryKey = context.replacement;
    if (isUnserved(required(context.replacementEntry, 'the replacement'))) throw notFoundError(replacement);
    await next();
  },
};

/** Whether {@link installUnservedGuards} has run on this instance. */
export function hasUnservedGuards(stowage: Stowage): boolean {
  return (['open', 'stat', 'list', 'replace'] as const).every((name) => stowage.pipeline(name).names().includes(UNSERVED_STAGE_NAMES.entry));
}

/**
 * Makes unserved members invisible to every read of this instance: inserts the guard stages into
 * `open` and `stat` (after `resolve`, and before `read` / `describe`), `list` and `replace`
 * (after `resolve`). Idempotent. fsck, sweep, remove and `verifyLongId` still see the members,
 * so they stay stored, counted and collectable.
 *
 * Call it where the instance is composed: the marker is stored in the catalog, the guards live in
 * the process, so an instance without them would serve unserved members.
 *
 * Errors: `STOWAGE_INVALID_CONFIG` when a pipeline lacks the built-in stage a guard is positioned
 * against (`resolve`, `read`, `describe`).
 */
export function installUnservedGuards(stowage: Stowage): void {
  if (hasUnservedGuards(stowage)) return;
  const open = stowage.pipeline('open');
  const stat = stowage.pipeline('stat');
  const list = stowage.pipeline('list');
  const replace = stowage.pipeline('replace');
  if (!open.names().includes(UNSERVED_STAGE_NAMES.entry)) {
    open.use(hideUnservedStage, { after: 'resolve' }).use(hideUnservedTargetStage, { before: 'read' });
  }
  if (!stat.names().includes(UNSERVED_STAGE_NAMES.entry)) {
    stat.use(hideUnservedStage, { after: 'resolve' }).use(hideUnservedTargetStage, { before: 'describe' });
  }
  if (!list.names().includes(UNSERVED_STAGE_NAMES.entry)) list.use(hideUnservedListStage, { after: 'resolve' });
  if (!replace.names().includes(UNSERVED_STAGE_NAMES.entry)) replace.use(hideUnservedReplacementStage, { after: 'resolve' });
}
