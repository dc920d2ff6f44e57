/** Latency percentiles of one phase, in milliseconds (nearest rank); `null` when nothing completed. */
export interface LatencySummary {
  readonly p50: number | null;
  readonly p90: number | null;
  readonly p99: number | null;
  readonly max: number | null;
  readonly mean: number | null;
}

const round = (value: number): number => Math.round(value * 1000) / 1000;

/** The `p`th percentile (0-100, nearest rank) of ascending `sorted` values; `null` when empty. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

/** Summarizes latency samples (ms), rounded to microseconds. */
export function summarizeLatencies(samples: readonly number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  const pick = (p: number): number | null => {
    const value = percentile(sorted, p);
    return value === null ? null : round(value);
  };
  const mean = sorted.length === 0 ? null : round(sorted.reduce((sum, value) => sum + value, 0) / sorted.length);
  return { p50: pick(50), p90: pick(90), p99: pick(99), max: pick(100), mean };
}
