import { createHash } from 'node:crypto';
import type { Backend, BackendEntry } from '../../backend.js';
import type { BlobRecord } from '../../catalog/blob-record.js';
import type { CatalogEntry } from '../../catalog/entry.js';
import type { Stage } from '../../pipeline/pipeline.js';
import { isStowageError } from '../../stowage-error.js';
import { baseNameOf } from '../../path.js';
import { stagingBackendOf } from '../put/staged-write.js';
import type { MediaServices } from '../services.js';
import { collectBlob, deleteClaimedBlob } from './collect-blob.js';
import type { FsckFinding, FsckOptions } from './fsck-findings.js';
import { none, runJob } from './run-job.js';

/** The context of the `fsck` pipeline. */
export interface FsckContext {
  readonly services: MediaServices;
  readonly options: FsckOptions;
  readonly now: Date;
  readonly findings: FsckFinding[];
  readonly state: Record<string, unknown>;
}

const SHA256 = /^[0-9a-f]{64}$/;

function before(context: FsckContext, ms: number): Date {
  return new Date(context.now.getTime() - ms);
}

function isNotFound(error: unknown): boolean {
  return isStowageError(error, 'STOWAGE_NOT_FOUND');
}

async function* filesUnder(backend: Backend, path: string): AsyncGenerator<BackendEntry> {
  try {
    for await (const entry of backend.list(path, { recursive: true })) if (entry.kind === 'file') yield entry;
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

/**
 * `stale-staging`: upload folders in the staging area whose files are all older than
 * `staleAfterMs` (or that are empty), on every shard; repair deletes the whole folder. Then the
 * stale temp files of the shard's own staging area, when it has one (`staleStagedWrites`).
 */
export const stagingCheckStage: Stage<FsckContext> = {
  name: 'staging',
  async run(context, next) {
    const { router, config } = context.services;
    const cutoff = before(context, config.retention.staleAfterMs).getTime();
    const repair = context.options.repair === true;
    const isStale = (entry: BackendEntry): boolean => entry.modifiedAt !== undefined && entry.modifiedAt.getTime() < cutoff;
    for (const shard of router.shards) {
      const found = await runJob<FsckFinding[]>(
        childrenOf(shard.backend, config.layout.staging),
        [
          async (child: BackendEntry) => {
            if (context.services.uploads.has(baseNameOf(child.path))) return none;
            const files = child.kind === 'file' ? [child] : await collect(filesUnder(shard.backend, child.path));
            if (!files.every(isStale) || (files.length === 0 && child.modifiedAt !== undefined && !isStale(child))) return none;
            if (repair) await shard.backend.delete(child.path, { recursive: child.kind === 'directory' }).catch(ignoreNotFound);
            const reported = files.length === 0 ? [child] : files;
            return reported.map((file): FsckFinding => ({ kind: 'stale-staging', backend: shard.name, path: file.path, repaired: repair }));
          },
        ],
        context.options.signal,
      );
      context.findings.push(...found.flat());
      const staged = (await stagingBackendOf(shard.backend)?.staleStagedWrites?.(new Date(cutoff), { remove: repair })) ?? [];
      for (const path of staged) context.findings.push({ kind: 'stale-staging', backend: shard.name, path, repaired: repair });
    }
    await next();
  },
};

async function* childrenOf(backend: Backend, path: string): AsyncGenerator<BackendEntry> {
  try {
    yield* backend.list(path);
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of source) items.push(item);
  return items;
}

function ignoreNotFound(error: unknown): void {
  if (!isNotFound(error)) throw error;
}

/** `stale-pending` and `stale-deleting`: entries a put or a remove left behind. */
export const entryStateCheckStage: Stage<FsckContext> = {
  name: 'entry-states',
  async run(context, next) {
    const { catalog, config } = context.services;
    const repair = context.options.repair === true;
    const createdBefore = before(context, config.retention.staleAfterMs);
    const found = await runJob<FsckFinding>(
      catalog.scanEntries({ states: ['pending', 'deleting'], createdBefore }),
      [
        async (entry: CatalogEntry) => {
          // A put of this process is still between record and commit (its blob is pinned).
          if (entry.state === 'pending' && context.services.pins.isPinned(entry.sha256)) return none;
          if (repair) await catalog.deleteEntries([entry], config.clock());
          const kind = entry.state === 'pending' ? 'stale-pending' : 'stale-deleting';
          return { kind, id: entry.id, filename: entry.filename, repaired: repair };
        },
      ],
      context.options.signal,
    );
    context.findings.push(...found);
    await next();
  },
};

async function sha256Of(backend: Backend, path: string): Promise<string> {
  const { stream } = await backend.read(path);
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Uint8Array);
  return hash.digest('hex');
}

/** Whether a blob's bytes are in place: `ok`, `missing` or `corrupt`. */
async function inspectBlob(services: MediaServices, blob: BlobRecord, verifyContent: boolean): Promise<'ok' | 'missing' | 'corrupt'> {
  const backend = services.router.shard(blob.backend).backend;
  try {
    const stat = await backend.stat(blob.path);
    if (stat.kind !== 'file' || stat.size !== blob.size) return 'corrupt';
    if (verifyContent && (await sha256Of(backend, blob.path)) !== blob.sha256) return 'corrupt';
    return 'ok';
  } catch (error) {
    if (isNotFound(error)) return 'missing';
    throw error;
  }
}

/**
 * The blob rows: stale `writing` and `deleting` claims, and present blobs whose bytes are
 * missing or corrupt (marked `lost` with their entries on repair).
 */
export const blobCheckStage: Stage<FsckContext> = {
  name: 'blobs',
  async run(context, next) {
    const { services } = context;
    const { catalog, config } = services;
    const repair = context.options.repair === true;
    const staleBefore = before(context, config.retention.staleAfterMs).getTime();
    const found = await runJob<FsckFinding | FsckFinding[]>(
      catalog.scanBlobs({ states: ['writing', 'deleting', 'present'] }),
      [
        async (blob: BlobRecord) => {
          const where = { sha256: blob.sha256, backend: blob.backend, path: blob.path };
          if (blob.state === 'writing' || blob.state === 'deleting') {
            if (blob.touchedAt.getTime() >= staleBefore || services.pins.isPinned(blob.sha256)) return none;
            if (repair) await services.blobLocks.run(blob.sha256, () => repairClaim(services, blob));
            return { kind: blob.state === 'writing' ? 'stale-writing' : 'stale-deleting-blob', ...where, repaired: repair };
          }
          const health = await inspectBlob(services, blob, context.options.verifyContent === true);
          if (health === 'ok') return recoverEntries(context, blob);
          if (repair) await catalog.markBlobLost(blob.sha256);
          return { kind: health === 'missing' ? 'missing-blob' : 'corrupt-blob', ...where, repaired: repair };
        },
      ],
      context.options.signal,
    );
    context.findings.push(...found.flat());
    await next();
  },
};

/**
 * `recovered-entry`: entries marked lost whose blob is present and sound again (a later put
 * rewrote it); repair makes them committed again.
 */
async function recoverEntries(context: FsckContext, blob: BlobRecord): Promise<FsckFinding[] | typeof none> {
  const { catalog } = context.services;
  const repair = context.options.repair === true;
  const found: FsckFinding[] = [];
  for await (const entry of catalog.scanEntries({ sha256: blob.sha256, states: ['lost'] })) {
    if (repair) await catalog.transitionEntries([entry], 'lost', 'committed').catch(ignoreNotFound);
    found.push({ kind: 'recovered-entry', id: entry.id, filename: entry.filename, repaired: repair });
  }
  return found.length === 0 ? none : found;
}

async function repairClaim(services: MediaServices, blob: BlobRecord): Promise<void> {
  const current = await services.catalog.getBlob(blob.sha256);
  if (current === undefined || current.state !== blob.state || current.touchedAt.getTime() !== blob.touchedAt.getTime()) return;
  if (current.state === 'deleting') {
    await deleteClaimedBlob(services, current);
    return;
  }
  if ((await inspectBlob(services, current, true)) === 'ok') {
    await services.catalog.markBlobPresent(current.sha256, services.config.clock());
  } else {
    await services.router.shard(current.backend).backend.delete(current.path).catch(ignoreNotFound);
    await services.catalog.releaseBlob(current.sha256);
  }
}

/** `dangling-entry`: committed entries whose blob row is absent or not present. */
export const entryCheckStage: Stage<FsckContext> = {
  name: 'entries',
  async run(context, next) {
    const { catalog } = context.services;
    const repair = context.options.repair === true;
    const found = await runJob<FsckFinding>(
      catalog.scanEntries({ states: ['committed'] }),
      [
        async (entry: CatalogEntry) => {
          const blob = await catalog.getBlob(entry.sha256);
          if (blob !== undefined && blob.state === 'present') return none;
          if (repair) await catalog.transitionEntries([entry], 'committed', 'lost').catch(ignoreNotFound);
          return { kind: 'dangling-entry', id: entry.id, filename: entry.filename, repaired: repair };
        },
      ],
      context.options.signal,
    );
    context.findings.push(...found);
    await next();
  },
};

/** `orphan-blob` and `orphan-file`: unreferenced blobs past the grace period, and files no row accounts for. */
export const orphanCheckStage: Stage<FsckContext> = {
  name: 'orphans',
  async run(context, next) {
    const { services } = context;
    const { catalog, config, router } = services;
    const repair = context.options.repair === true;
    const cutoff = before(context, config.retention.graceMs);
    const blobs = await runJob<FsckFinding>(
      catalog.scanBlobs({ states: ['present'], unreferencedBefore: cutoff }),
      [
        async (blob: BlobRecord) => {
          const outcome = repair ? await collectBlob(services, blob, cutoff) : 'deleted';
          if (outcome === 'kept') return none;
          return { kind: 'orphan-blob', sha256: blob.sha256, backend: blob.backend, path: blob.path, repaired: repair && outcome === 'deleted' };
        },
      ],
      context.options.signal,
    );
    context.findings.push(...blobs);
    for (const shard of router.shards) {
      const files = await runJob<FsckFinding>(
        filesUnder(shard.backend, config.layout.blobs),
        [
          async (file: BackendEntry) => {
            const name = baseNameOf(file.path);
            const row = SHA256.test(name) ? await catalog.getBlob(name) : undefined;
            if (row !== undefined && row.backend === shard.name && row.path === file.path) return none;
            if (file.modifiedAt !== undefined && file.modifiedAt.getTime() >= cutoff.getTime()) return none;
            if (repair) {
              await services.blobLocks.run(name, async () => {
                const again = SHA256.test(name) ? await catalog.getBlob(name) : undefined;
                if (again === undefined || again.backend !== shard.name || again.path !== file.path) {
                  await shard.backend.delete(file.path).catch(ignoreNotFound);
                }
              });
            }
            return { kind: 'orphan-file', backend: shard.name, path: file.path, repaired: repair };
          },
        ],
        context.options.signal,
      );
      context.findings.push(...files);
    }
    await next();
  },
};
