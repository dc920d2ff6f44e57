// Small statistics over repeats: min/median/max, percentiles of latency samples, and ratios
// computed repeat by repeat (both sides measured in the same round of the same run).

/** Median of numbers (the mean of the two middle values for an even count); `null` when empty. */
export function median(values) {
  const sorted = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** `{ min, median, max, n }` of the finite values; nulls when there are none. */
export function spread(values) {
  const finite = values.filter((value) => Number.isFinite(value));
  if (finite.length === 0) return { min: null, median: null, max: null, n: 0 };
  return { min: Math.min(...finite), median: median(finite), max: Math.max(...finite), n: finite.length };
}

/** The `p`th percentile (nearest rank) of latency samples; `null` when empty. */
export function percentile(samples, p) {
  if (samples.length === 0) return null;
  const sorted = Float64Array.from(samples).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

/**
 * Ratios `numerator[r] / denominator[r]` for each repeat `r` where both are finite and the
 * denominator is positive, then their spread: the targets are medians of these.
 */
export function pairedRatios(numerator, denominator) {
  const ratios = [];
  const count = Math.min(numerator.length, denominator.length);
  for (let r = 0; r < count; r++) {
    const a = numerator[r];
    const b = denominator[r];
    if (Number.isFinite(a) && Number.isFinite(b) && b > 0) ratios.push(a / b);
  }
  return { ...spread(ratios), values: ratios };
}

/** Rounds for JSON and tables: 3 significant digits below 100, integers above. */
export function round(value) {
  if (value === null || value === undefined || !Number.isFinite(value)) return null;
  if (Math.abs(value) >= 100) return Math.round(value);
  return Number(value.toPrecision(3));
}
