import { performance } from 'node:perf_hooks';
import { isStowageError } from '@stowage/core';
import { summarizeLatencies, type LatencySummary } from './latency.js';

/** Bounds and work of one phase. */
export interface PhaseSpec {
  /** Start at most this many operations. */
  readonly count: number;
  /** Start no operation after this many milliseconds (those in flight finish). */
  readonly budgetMs: number;
  /** Operations in flight at once. */
  readonly concurrency: number;
  /** Runs operation number `index` and resolves the bytes it moved. */
  readonly operation: (index: number) => Promise<number>;
  /** Called after every finished operation with the totals so far. */
  readonly onProgress?: (done: number, bytes: number, elapsedMs: number) => void;
  /** Aborting stops starting operations; those in flight finish. */
  readonly signal?: AbortSignal | undefined;
}

/** What one phase measured. */
export interface PhaseOutcome {
  /** Operations that succeeded, and their indexes (a get phase reads only those). */
  readonly succeeded: readonly number[];
  /** Operations that failed, and the first few error codes (`Error` for non-Stowage errors). */
  readonly failed: number;
  readonly errorCodes: readonly string[];
  readonly bytes: number;
  /** From the first start to the last end. */
  readonly elapsedMs: number;
  readonly latencyMs: LatencySummary;
}

/**
 * Runs `operation` for indexes 0, 1, ... with `concurrency` workers until `count` have started,
 * the time budget is spent, or `signal` aborts. A failed operation is counted (with its code)
 * and the phase goes on; its latency is not recorded. Never rejects.
 */
export async function runPhase(spec: PhaseSpec): Promise<PhaseOutcome> {
  const latencies: number[] = [];
  const succeeded: number[] = [];
  const errorCodes: string[] = [];
  let failed = 0;
  let next = 0;
  let bytes = 0;
  const start = performance.now();
  const open = (): boolean => next < spec.count && performance.now() - start < spec.budgetMs && spec.signal?.aborted !== true;
  async function worker(): Promise<void> {
    while (open()) {
      const index = next++;
      const begin = performance.now();
      try {
        // Not `bytes += await ...`: that would read `bytes` before the await and lose the other workers' additions.
        const moved = await spec.operation(index);
        bytes += moved;
        latencies.push(performance.now() - begin);
        succeeded.push(index);
      } catch (error) {
        failed++;
        const code = isStowageError(error) ? error.code : 'Error';
        if (errorCodes.length < 5 && !errorCodes.includes(code)) errorCodes.push(code);
      }
      spec.onProgress?.(succeeded.length + failed, bytes, performance.now() - start);
    }
  }
  await Promise.all(Array.from({ length: spec.concurrency }, () => worker()));
  return {
    succeeded: succeeded.sort((a, b) => a - b),
    failed,
    errorCodes,
    bytes,
    elapsedMs: performance.now() - start,
    latencyMs: summarizeLatencies(latencies),
  };
}
