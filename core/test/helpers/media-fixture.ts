import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { createMemoryBackend } from '../../src/memory-backend.js';
import { createMemoryCatalog } from '../../src/catalog/memory-catalog.js';
import { createStowage } from '../../src/create-stowage.js';
import type { Backend } from '../../src/backend.js';
import type { Catalog } from '../../src/catalog/catalog.js';
import type { BackendDescriptor, StowageConfig } from '../../src/media/config.js';
import type { Stowage } from '../../src/media/stowage.js';

/** The salt every fixture uses, so tests can recompute long ids. */
export const TEST_SALT = 'test-salt-0123456789abcdef';

/** A clock tests move by hand. */
export class ManualClock {
  constructor(public now: number = Date.now()) {}
  readonly read = (): Date => new Date(this.now);
  advance(ms: number): void {
    this.now += ms;
  }
}

/** A Stowage over memory backends and a memory catalog, with the parts exposed. */
export interface MediaFixture {
  readonly stowage: Stowage;
  readonly catalog: Catalog;
  readonly backends: Record<string, Backend>;
  readonly clock: ManualClock;
  readonly labels: string[];
}

/** Builds a {@link MediaFixture}; `shards` names the memory backends (one `default` when absent). */
export function mediaFixture(
  overrides: Partial<StowageConfig> = {},
  shards: readonly string[] = [],
  descriptorExtras: Partial<BackendDescriptor> = {},
): MediaFixture {
  const clock = new ManualClock();
  const catalog = overrides.catalog ?? createMemoryCatalog();
  const backends: Record<string, Backend> = {};
  for (const name of shards.length === 0 ? ['default'] : shards) backends[name] = createMemoryBackend({ name });
  const labels: string[] = [];
  const stowage = createStowage({
    backends:
      shards.length === 0
        ? (backends['default'] as Backend)
        : shards.map((name) => ({ name, backend: backends[name] as Backend, ...descriptorExtras })),
    catalog,
    salt: TEST_SALT,
    clock: clock.read,
    checkpoint: (label) => labels.push(label),
    retention: { graceMs: 60_000, staleAfterMs: 60_000 },
    // These tests change `catalog` behind the facade, as another process would; with the entry
    // cache on, such a change is seen only after its ttl (catalog/entry-cache.test.ts tests that).
    entryCache: false,
    ...overrides,
  });
  return { stowage, catalog, backends, clock, labels };
}

/** Reads a whole stream. */
export async function bytesOf(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/** Lowercase hex SHA-256. */
export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The documented long id formula, computed independently of the implementation. */
export function longIdByFormula(uploadedAt: Date, files: readonly { plannedPath: string; contents: Uint8Array }[], author: string, salt: string): string {
  const hash = createHash('sha256').update(uploadedAt.toISOString(), 'utf8');
  for (const file of files) hash.update(file.plannedPath, 'utf8').update(file.contents);
  return hash.update(author, 'utf8').update(salt, 'utf8').digest('hex');
}
