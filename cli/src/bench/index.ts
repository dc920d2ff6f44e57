/**
 * `stowage bench --backend <descriptor>`: put/get throughput and latency percentiles of any
 * backend, for plugin authors.
 *
 * @packageDocumentation
 */
export { openBackend, type BackendFactoryFile, type OpenedBackend } from './backend-descriptor.js';
export { BENCH_USAGE, defaultCount, MAX_BENCH_SIZE, parseBenchOptions, parseSize, type BenchOptions } from './bench-options.js';
export { percentile, summarizeLatencies, type LatencySummary } from './latency.js';
export { runPhase, type PhaseOutcome, type PhaseSpec } from './phase.js';
export { ProgressDisplay, sizeLabel, type ProgressSink } from './progress.js';
export { runBench, type BenchIo, type BenchPhaseResult, type BenchReport } from './run-bench.js';
