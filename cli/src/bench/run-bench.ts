import { randomBytes } from 'node:crypto';
import { StowageError, type Backend } from '@stowage/core';
import { openBackend } from './backend-descriptor.js';
import { defaultCount, parseBenchOptions, type BenchOptions } from './bench-options.js';
import type { LatencySummary } from './latency.js';
import { runPhase, type PhaseOutcome } from './phase.js';
import { ProgressDisplay, sizeLabel, type ProgressSink } from './progress.js';

/** Where `stowage bench` writes, and what it runs in. */
export interface BenchIo {
  /** Receives the JSON results (one document, then a newline). */
  readonly stdout: { write(text: string): unknown };
  /** Receives the progress display. */
  readonly stderr: ProgressSink;
  /** Resolves relative descriptor paths. @defaultValue `process.cwd()` */
  readonly cwd?: string;
  /** Aborting stops the phases early; the written objects are still deleted. */
  readonly signal?: AbortSignal;
}

/** One measured phase in the JSON output. */
export interface BenchPhaseResult {
  readonly operation: 'put' | 'get';
  readonly size: number;
  readonly operations: number;
  readonly failed: number;
  readonly errorCodes: readonly string[];
  readonly seconds: number;
  readonly opsPerSecond: number;
  /** MB = 10^6 bytes. */
  readonly mbPerSecond: number;
  readonly latencyMs: LatencySummary;
}

/** The JSON document `stowage bench` prints. */
export interface BenchReport {
  readonly tool: 'stowage bench';
  readonly startedAt: string;
  readonly node: string;
  readonly backend: { readonly descriptor: string; readonly scheme: string; readonly name: string; readonly capabilities: Record<string, unknown> };
  readonly settings: { readonly concurrency: number; readonly seconds: number; readonly count: number | null; readonly sizes: readonly number[] };
  readonly phases: readonly BenchPhaseResult[];
}

const CHUNK = 1024 * 1024;
const FOLDER = 'stowage-bench';

/** The body of object `index`: its first bytes unique (no backend can deduplicate it), the rest shared, in 1 MiB chunks. */
function objectChunks(shared: Buffer, index: number, runId: string): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let offset = 0; offset < shared.byteLength; offset += CHUNK) chunks.push(shared.subarray(offset, Math.min(offset + CHUNK, shared.byteLength)));
  const first = Buffer.from(chunks[0] as Uint8Array);
  first.write(`${runId}:${index}:`.slice(0, first.byteLength), 0, 'latin1');
  chunks[0] = first;
  return chunks;
}

async function readWhole(backend: Backend, path: string, size: number): Promise<number> {
  const { stream } = await backend.read(path);
  let received = 0;
  for await (const chunk of stream as AsyncIterable<Uint8Array>) received += chunk.byteLength;
  if (received !== size) throw new StowageError('STOWAGE_SIZE_MISMATCH', `read ${received} bytes of ${size}`);
  return received;
}

function result(operation: 'put' | 'get', size: number, outcome: PhaseOutcome): BenchPhaseResult {
  const seconds = outcome.elapsedMs / 1000;
  return {
    operation,
    size,
    operations: outcome.succeeded.length,
    failed: outcome.failed,
    errorCodes: outcome.errorCodes,
    seconds: Math.round(seconds * 1000) / 1000,
    opsPerSecond: seconds > 0 ? Math.round((outcome.succeeded.length / seconds) * 10) / 10 : 0,
    mbPerSecond: seconds > 0 ? Math.round((outcome.bytes / 1e6 / seconds) * 10) / 10 : 0,
    latencyMs: outcome.latencyMs,
  };
}

function summaryLine(phase: BenchPhaseResult): string {
  const failed = phase.failed > 0 ? `, ${phase.failed} failed (${phase.errorCodes.join(', ')})` : '';
  return `${phase.operations} ops in ${phase.seconds} s: ${phase.opsPerSecond} ops/s, ${phase.mbPerSecond} MB/s, p50 ${phase.latencyMs.p50 ?? '–'} ms, p99 ${phase.latencyMs.p99 ?? '–'} ms${failed}`;
}

async function measure(backend: Backend, options: BenchOptions, io: BenchIo, folder: string, runId: string): Promise<BenchPhaseResult[]> {
  const progress = new ProgressDisplay(io.stderr, !options.quiet);
  const phases: BenchPhaseResult[] = [];
  for (const size of options.sizes) {
    const count = options.count ?? defaultCount(size);
    const shared = randomBytes(size);
    const dir = `${folder}/${size}`;
    await backend.createDir(dir);
    const bounds = { count, budgetMs: options.seconds * 1000, concurrency: options.concurrency, signal: io.signal };
    const putLabel = `put ${sizeLabel(size)}`;
    const put = await runPhase({
      ...bounds,
      operation: async (index) => {
        await backend.write(`${dir}/${index}`, objectChunks(shared, index, runId), { size });
        return size;
      },
      onProgress: (done, bytes, elapsed) => progress.update(putLabel, done, count, bytes, elapsed),
    });
    phases.push(result('put', size, put));
    progress.finish(putLabel, summaryLine(phases.at(-1) as BenchPhaseResult));
    // Reads go round the objects that were written, as many reads as the put phase had room for.
    const written = put.succeeded;
    const getLabel = `get ${sizeLabel(size)}`;
    const get = await runPhase({
      ...bounds,
      count: written.length === 0 ? 0 : count,
      operation: (index) => readWhole(backend, `${dir}/${written[index % written.length] as number}`, size),
      onProgress: (done, bytes, elapsed) => progress.update(getLabel, done, count, bytes, elapsed),
    });
    phases.push(result('get', size, get));
    progress.finish(getLabel, summaryLine(phases.at(-1) as BenchPhaseResult));
  }
  return phases;
}

/**
 * `stowage bench`: measures put and get throughput and latency percentiles of the backend named
 * by `--backend` (see `BENCH_USAGE` and `openBackend`), prints one JSON {@link BenchReport} on
 * `io.stdout`, and shows progress on `io.stderr`. Objects go under `stowage-bench/<run id>/` and
 * are deleted afterwards (also after a failure or an abort) unless `--keep`; the backend is then
 * closed when it can be.
 *
 * Errors: `STOWAGE_INVALID_CONFIG` for bad arguments or descriptors (the command line maps it to
 * exit code 2); `STOWAGE_ABORTED` when `io.signal` aborted (after cleaning up); the backend's own
 * errors from `createDir` or the cleanup. Failed puts and gets are counted in the report, not thrown.
 */
export async function runBench(argv: readonly string[], io: BenchIo): Promise<BenchReport> {
  const options = parseBenchOptions(argv);
  const startedAt = new Date().toISOString();
  const { backend, descriptor } = await openBackend(options.backend, io.cwd ?? process.cwd());
  const runId = randomBytes(6).toString('hex');
  const folder = `${FOLDER}/${runId}`;
  try {
    const phases = await measure(backend, options, io, folder, runId);
    if (io.signal?.aborted === true) throw new StowageError('STOWAGE_ABORTED', 'stowage bench was interrupted');
    const report: BenchReport = {
      tool: 'stowage bench',
      startedAt,
      node: process.version,
      backend: { descriptor, scheme: backend.info.scheme, name: backend.info.name, capabilities: { ...backend.capabilities } },
      settings: { concurrency: options.concurrency, seconds: options.seconds, count: options.count ?? null, sizes: options.sizes },
      phases,
    };
    io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return report;
  } finally {
    try {
      if (!options.keep) {
        await backend.delete(folder, { recursive: true });
        // The parent goes too when no other run is using it (a non-empty folder is refused).
        await backend.delete(FOLDER).catch(() => undefined);
      }
    } finally {
      await backend.close?.();
    }
  }
}
