import { createHash } from 'node:crypto';
import type { Backend } from '../../src/backend.js';
import type { Catalog } from '../../src/catalog/catalog.js';
import type { CatalogEntry } from '../../src/catalog/entry.js';
import { baseNameOf } from '../../src/path.js';

async function sha256Of(backend: Backend, path: string): Promise<{ sha256: string; size: number }> {
  const { stream } = await backend.read(path);
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of stream) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size };
}

/**
 * Checks the durability invariants of RELIABILITY.md over a catalog and its backends, returning
 * the violations (empty when all hold):
 * - I1: every committed entry references a present blob whose bytes exist, have its size and hash to its id;
 * - I2 (with `collectedBefore`): no unreferenced present blob older than that instant remains;
 * - I5: every file in the blob area is named by the SHA-256 of its bytes;
 * - I9: every blob's `refs` equals the number of entries referencing it.
 */
export async function invariantViolations(
  catalog: Catalog,
  backends: Readonly<Record<string, Backend>>,
  options: { readonly blobs?: string; readonly collectedBefore?: Date } = {},
): Promise<string[]> {
  const problems: string[] = [];
  const entries: CatalogEntry[] = [];
  for await (const entry of catalog.scanEntries()) entries.push(entry);
  const counts = new Map<string, number>();
  for (const entry of entries) counts.set(entry.sha256, (counts.get(entry.sha256) ?? 0) + 1);
  for await (const blob of catalog.scanBlobs()) {
    if (blob.refs !== (counts.get(blob.sha256) ?? 0)) problems.push(`I9: blob ${blob.sha256} refs ${blob.refs} != ${counts.get(blob.sha256) ?? 0}`);
    counts.delete(blob.sha256);
    const cutoff = options.collectedBefore;
    if (cutoff !== undefined && blob.state === 'present' && blob.refs === 0 && blob.touchedAt < cutoff) {
      problems.push(`I2: unreferenced blob ${blob.sha256} survived collection`);
    }
  }
  for (const sha of counts.keys()) problems.push(`I9: entries reference ${sha} without a blob row`);
  for (const entry of entries.filter((candidate) => candidate.state === 'committed')) {
    const blob = await catalog.getBlob(entry.sha256);
    const backend = backends[entry.backend];
    if (blob?.state !== 'present' || backend === undefined) {
      problems.push(`I1: ${entry.id}/${entry.filename} references a blob that is not present`);
      continue;
    }
    try {
      const actual = await sha256Of(backend, entry.path);
      if (actual.sha256 !== entry.sha256 || actual.size !== entry.size) problems.push(`I1: ${entry.id}/${entry.filename} has wrong bytes`);
    } catch {
      problems.push(`I1: ${entry.id}/${entry.filename} has no bytes`);
    }
  }
  for (const [name, backend] of Object.entries(backends)) {
    try {
      for await (const file of backend.list(options.blobs ?? 'blobs', { recursive: true })) {
        if (file.kind !== 'file') continue;
        const actual = await sha256Of(backend, file.path);
        if (actual.sha256 !== baseNameOf(file.path)) problems.push(`I5: ${name}:${file.path} does not hash to its name`);
      }
    } catch (error) {
      if ((error as { code?: string }).code !== 'STOWAGE_NOT_FOUND') throw error;
    }
  }
  return problems;
}
