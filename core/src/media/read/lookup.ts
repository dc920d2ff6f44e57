import { keyString, type CatalogEntry, type EntryKey } from '../../catalog/entry.js';
import { isLongId } from '../../hashing/index.js';
import { decideAccess, accessError, notFoundError, type AccessAction, type Principal } from '../../policies/index.js';
import { StowageError } from '../../stowage-error.js';
import { normalizeFilename } from '../put/validate-stage.js';
import type { MediaServices } from '../services.js';

/**
 * Finds the visible entry for a key: the id is 64 lowercase hex, the filename one NFC name, the
 * row `committed` or `lost`, and not expired. Anything else is `STOWAGE_NOT_FOUND`, the same error
 * for every cause, before any backend I/O.
 */
export async function findVisibleEntry(services: MediaServices, key: EntryKey): Promise<CatalogEntry> {
  const filename = typeof key?.filename === 'string' ? safeFilename(key.filename) : undefined;
  if (typeof key?.id !== 'string' || !isLongId(key.id) || filename === undefined) throw notFoundError(key);
  const entry = await services.catalog.getEntry({ id: key.id, filename });
  if (entry === undefined || !isVisible(entry, services.config.clock())) throw notFoundError(key);
  return entry;
}

/** `true` for committed or lost rows that have not expired at `now`. */
export function isVisible(entry: CatalogEntry, now: Date): boolean {
  if (entry.state !== 'committed' && entry.state !== 'lost') return false;
  return entry.expiresAt === null || entry.expiresAt.getTime() > now.getTime();
}

function safeFilename(filename: string): string | undefined {
  try {
    return normalizeFilename(filename);
  } catch {
    return undefined;
  }
}

/** Throws the error of a refusal (401, 403, or a not-found for hidden entries); returns on allow. */
export async function requireAccess(
  services: MediaServices,
  principal: Principal | null,
  action: AccessAction,
  entry: CatalogEntry,
): Promise<void> {
  const outcome = await decideAccess({ principal, action, entry }, services.config.permissions);
  if (outcome !== 'allow') throw accessError(outcome, entry);
}

/**
 * The replacement chain from an entry: the entry itself, then each `replacedBy` hop. Every hop
 * must be visible (`STOWAGE_NOT_FOUND` otherwise); a loop or a chain longer than
 * `maxReplacementChain` hops is `STOWAGE_LOOP_DETECTED`.
 */
export async function replacementChain(services: MediaServices, entry: CatalogEntry): Promise<readonly CatalogEntry[]> {
  const seen = new Set<string>([keyString(entry)]);
  const chain = [entry];
  let current = entry;
  while (current.replacedBy !== null) {
    const next = await findVisibleEntry(services, current.replacedBy);
    const name = keyString(next);
    if (seen.has(name) || chain.length > services.config.maxReplacementChain) {
      throw new StowageError('STOWAGE_LOOP_DETECTED', 'the replacement chain loops or is too long', {
        context: { path: keyString(entry) },
      });
    }
    seen.add(name);
    chain.push(next);
    current = next;
  }
  return chain;
}

/** The end of an entry's replacement chain (the entry itself when it was not replaced). */
export async function followReplacements(services: MediaServices, entry: CatalogEntry): Promise<CatalogEntry> {
  const chain = await replacementChain(services, entry);
  return chain[chain.length - 1] ?? entry;
}
