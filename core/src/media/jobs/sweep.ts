import type { BlobRecord } from '../../catalog/blob-record.js';
import type { CatalogEntry, EntryKey } from '../../catalog/entry.js';
import type { Stage } from '../../pipeline/pipeline.js';
import { isStowageError } from '../../stowage-error.js';
import type { MediaServices } from '../services.js';
import { collectBlob } from './collect-blob.js';
import { none, runJob } from './run-job.js';

/** Options of {@link Stowage.sweep}. */
export interface SweepOptions {
  /** Report what would be removed without changing anything. @defaultValue false */
  readonly dryRun?: boolean;
  readonly signal?: AbortSignal;
}

/** What a sweep removed (or, in a dry run, would remove). */
export interface SweepReport {
  readonly dryRun: boolean;
  /** Entries past their `expiresAt`. */
  readonly expired: readonly EntryKey[];
  /** Blobs without references past the grace period (in a dry run: those unreferenced now). */
  readonly blobs: readonly { readonly sha256: string; readonly backend: string; readonly size: number }[];
  readonly freedBytes: number;
  /** Blobs whose deletion failed; they stay claimed and fsck finishes them. */
  readonly failed: readonly string[];
}

/** The context of the `sweep` pipeline. */
export interface SweepContext {
  readonly services: MediaServices;
  readonly options: SweepOptions;
  /** The instant expiry and the grace period are measured from. */
  readonly now: Date;
  expired: EntryKey[];
  blobs: { sha256: string; backend: string; size: number }[];
  failed: string[];
  readonly state: Record<string, unknown>;
}

/**
 * The `expire` stage: removes every committed or lost entry whose `expiresAt` has passed
 * (`deleting` first, then the row), as a stream-chain job over the catalog.
 */
export const expireStage: Stage<SweepContext> = {
  name: 'expire',
  async run(context, next) {
    const { catalog, config } = context.services;
    const dryRun = context.options.dryRun === true;
    const source = catalog.scanEntries({ states: ['committed', 'lost'], expiredBefore: context.now });
    const expired = await runJob<EntryKey>(
      source,
      [
        async (entry: CatalogEntry) => {
          if (!dryRun) {
            try {
              await catalog.transitionEntries([entry], entry.state, 'deleting');
            } catch (error) {
              // A concurrent remove got there first.
              if (isStowageError(error, 'STOWAGE_NOT_FOUND')) return none;
              throw error;
            }
            config.checkpoint('remove:marked');
            await catalog.deleteEntries([entry], config.clock());
            config.checkpoint('remove:deleted');
          }
          return Object.freeze({ id: entry.id, filename: entry.filename });
        },
      ],
      context.options.signal,
    );
    context.expired.push(...expired);
    await next();
  },
};

/**
 * The `collect` stage: deletes every blob that has had no reference for longer than
 * `retention.graceMs`, as a stream-chain job over the catalog.
 */
export const collectStage: Stage<SweepContext> = {
  name: 'collect',
  async run(context, next) {
    const { services } = context;
    const dryRun = context.options.dryRun === true;
    const cutoff = new Date(context.now.getTime() - services.config.retention.graceMs);
    const source = services.catalog.scanBlobs({ states: ['present'], unreferencedBefore: cutoff });
    await runJob(
      source,
      [
        async (blob: BlobRecord) => {
          const outcome = dryRun ? 'deleted' : await collectBlob(services, blob, cutoff);
          if (outcome === 'deleted') context.blobs.push({ sha256: blob.sha256, backend: blob.backend, size: blob.size });
          if (outcome === 'failed') context.failed.push(blob.sha256);
          return none;
        },
      ],
      context.options.signal,
    );
    await next();
  },
};

/** Builds the report of a finished sweep. */
export function sweepReportOf(context: SweepContext): SweepReport {
  return Object.freeze({
    dryRun: context.options.dryRun === true,
    expired: Object.freeze([...context.expired]),
    blobs: Object.freeze([...context.blobs]),
    freedBytes: context.blobs.reduce((sum, blob) => sum + blob.size, 0),
    failed: Object.freeze([...context.failed]),
  });
}
