import { keyString, sameKey, type CatalogEntry, type EntryKey } from '../../catalog/entry.js';
import type { Stage } from '../../pipeline/pipeline.js';
import type { Principal } from '../../policies/index.js';
import { StowageError } from '../../stowage-error.js';
import { required } from '../layout.js';
import { findVisibleEntry, replacementChain, requireAccess } from '../read/lookup.js';
import type { MediaServices } from '../services.js';
import type { MediaOptions } from '../types.js';

/** The context of the `replace` pipeline. */
export interface ReplaceContext {
  readonly services: MediaServices;
  readonly options: MediaOptions;
  readonly principal: Principal | null;
  readonly old: EntryKey;
  readonly replacement: EntryKey;
  oldEntry?: CatalogEntry;
  replacementEntry?: CatalogEntry;
  /** The old entry as recorded after the change. */
  result?: CatalogEntry;
  readonly state: Record<string, unknown>;
}

/** The `resolve` stage of `replace`: both entries must be visible (`STOWAGE_NOT_FOUND`). */
export const replaceResolveStage: Stage<ReplaceContext> = {
  name: 'resolve',
  async run(context, next) {
    context.oldEntry = await findVisibleEntry(context.services, context.old);
    context.replacementEntry = await findVisibleEntry(context.services, context.replacement);
    await next();
  },
};

/** The `authorize` stage of `replace`: modify permission on the old entry, read permission on the replacement. */
export const replaceAuthorizeStage: Stage<ReplaceContext> = {
  name: 'authorize',
  async run(context, next) {
    await requireAccess(context.services, context.principal, 'modify', required(context.oldEntry, 'the old entry'));
    await requireAccess(context.services, context.principal, 'read', required(context.replacementEntry, 'the replacement'));
    await next();
  },
};

/**
 * The `check-chain` stage: the replacement's own chain must not lead back to the old entry and
 * the resulting chain must stay within `maxReplacementChain` (`STOWAGE_LOOP_DETECTED`).
 */
export const checkChainStage: Stage<ReplaceContext> = {
  name: 'check-chain',
  async run(context, next) {
    const old = required(context.oldEntry, 'the old entry');
    const replacement = required(context.replacementEntry, 'the replacement');
    const loop = (): StowageError =>
      new StowageError('STOWAGE_LOOP_DETECTED', 'the replacement would make a loop', { context: { path: keyString(old) } });
    if (sameKey(replacement, old)) throw loop();
    const chain = await replacementChain(context.services, replacement);
    if (chain.some((hop) => sameKey(hop, old))) throw loop();
    if (chain.length > context.services.config.maxReplacementChain) {
      throw new StowageError('STOWAGE_LOOP_DETECTED', 'the replacement chain would be too long', { context: { path: keyString(old) } });
    }
    await next();
  },
};

/**
 * The `record` stage of `replace`: stores the replacement on the old entry, then re-reads the
 * chain from the old entry; if a concurrent replace or remove made it loop or dangle, the
 * previous value is restored and the replace fails (`STOWAGE_LOOP_DETECTED` or
 * `STOWAGE_NOT_FOUND`). Replaces run one at a time within a process.
 */
export const recordReplacementStage: Stage<ReplaceContext> = {
  name: 'record',
  async run(context, next) {
    const { services } = context;
    const old = required(context.oldEntry, 'the old entry');
    const replacement = required(context.replacementEntry, 'the replacement');
    await services.blobLocks.run(REPLACE_LOCK, async () => {
      const current = await findVisibleEntry(services, old);
      const updated = await services.catalog.setReplacement(current, { id: replacement.id, filename: replacement.filename });
      try {
        const chain = await replacementChain(services, updated);
        if (chain.length - 1 > services.config.maxReplacementChain) {
          throw new StowageError('STOWAGE_LOOP_DETECTED', 'the replacement chain would be too long');
        }
      } catch (error) {
        await services.catalog.setReplacement(current, current.replacedBy);
        throw error;
      }
      context.result = updated;
    });
    await next();
  },
};

/** The lock key that serializes replaces (no blob has this name). */
const REPLACE_LOCK = 'replace:';
