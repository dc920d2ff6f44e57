import { StowageError } from '@stowage/core';

/** What `stowage bench` measures, from its command line. */
export interface BenchOptions {
  /** The backend descriptor: `local:<dir>`, `memory:`, or a JSON file (see `openBackend`). */
  readonly backend: string;
  /** Object sizes measured, in bytes, each in its own put and get phase. @defaultValue 4 KiB, 1 MiB, 16 MiB */
  readonly sizes: readonly number[];
  /** Operations in flight at once. @defaultValue 4 */
  readonly concurrency: number;
  /** At most this many operations per phase; `undefined` picks 64 MiB worth, 8 to 2000. */
  readonly count: number | undefined;
  /** At most this many seconds per phase (operations in flight then finish). @defaultValue 10 */
  readonly seconds: number;
  /** Leave the written objects in place instead of deleting them at the end. @defaultValue false */
  readonly keep: boolean;
  /** No progress display on stderr. @defaultValue false */
  readonly quiet: boolean;
}

export const BENCH_USAGE = `usage: stowage bench --backend <descriptor> [--sizes 4KiB,1MiB,16MiB] [--concurrency 4]
                     [--count N] [--seconds 10] [--keep] [--quiet]

  Measures put and get throughput and latency percentiles of one backend: for each size, a put
  phase writes unique objects under stowage-bench/<run>/, a get phase reads them back whole.
  Each phase is bounded by --count operations and --seconds. Progress goes to stderr, the
  results as JSON to stdout; the objects are deleted at the end unless --keep.

  descriptors: local:<dir>        the local-disk backend rooted at <dir> (created if missing)
               memory:            the in-memory backend (a baseline for the harness itself)
               <file>.json        {"module": "<package or path>", "export": "<factory>", "options": {...}}
                                  the factory is called with the options and returns a Backend
`;

const UNITS: Readonly<Record<string, number>> = { '': 1, b: 1, k: 1024, kb: 1024, kib: 1024, m: 1024 ** 2, mb: 1024 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3, gib: 1024 ** 3 };

/** Largest object size accepted (each object is generated in memory once per phase). */
export const MAX_BENCH_SIZE = 1024 ** 3;

function usageError(message: string): StowageError {
  return new StowageError('STOWAGE_INVALID_CONFIG', `stowage bench: ${message}`);
}

/** `4KiB`, `1m`, `512` → bytes (binary units, case-insensitive); `STOWAGE_INVALID_CONFIG` otherwise. */
export function parseSize(text: string): number {
  const match = /^(\d+)\s*([a-z]*)$/i.exec(text.trim());
  const unit = match === null ? undefined : UNITS[(match[2] ?? '').toLowerCase()];
  if (match === null || unit === undefined) throw usageError(`"${text}" is not a size like 4KiB or 1MiB`);
  const bytes = Number(match[1]) * unit;
  if (bytes < 1 || bytes > MAX_BENCH_SIZE) throw usageError(`sizes must be between 1 byte and 1 GiB, not ${text}`);
  return bytes;
}

function positiveInteger(text: string, flag: string, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < 1 || value > max) {
    throw usageError(`${flag} must be an integer from 1 to ${max}`);
  }
  return value;
}

/**
 * Parses the arguments after `bench`. Errors: `STOWAGE_INVALID_CONFIG` for a missing
 * `--backend`, an unknown flag, a flag without its value, or a value out of range.
 */
export function parseBenchOptions(argv: readonly string[]): BenchOptions {
  let backend: string | undefined;
  let sizes: number[] = [4 * 1024, 1024 ** 2, 16 * 1024 ** 2];
  let concurrency = 4;
  let count: number | undefined;
  let seconds = 10;
  let keep = false;
  let quiet = false;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] as string;
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined || next.startsWith('--')) throw usageError(`${flag} needs a value`);
      return next;
    };
    if (flag === '--backend') backend = value();
    else if (flag === '--sizes') sizes = value().split(',').map(parseSize);
    else if (flag === '--concurrency') concurrency = positiveInteger(value(), flag, 1024);
    else if (flag === '--count') count = positiveInteger(value(), flag, 1_000_000);
    else if (flag === '--seconds') seconds = positiveInteger(value(), flag, 3600);
    else if (flag === '--keep') keep = true;
    else if (flag === '--quiet') quiet = true;
    else throw usageError(`unknown argument ${flag}`);
  }
  if (backend === undefined || backend === '') throw usageError('--backend <descriptor> is required');
  return Object.freeze({ backend, sizes: Object.freeze(sizes), concurrency, count, seconds, keep, quiet });
}

/** Operations per phase for `size` when `--count` is not given: 64 MiB worth, from 8 to 2000. */
export function defaultCount(size: number): number {
  return Math.max(8, Math.min(2000, Math.floor((64 * 1024 ** 2) / size)));
}
