/** Nearest-rank percentile (p in [0, 100]) of `values`; NaN for an empty list. Does not modify the input. */
export function percentile(values: readonly number[], p: number): number {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return Number.NaN;
  const sorted = [...finite].sort((a, b) => a - b);
  const rank = Math.ceil((Math.min(100, Math.max(0, p)) / 100) * sorted.length);
  return sorted[Math.max(0, rank - 1)] ?? Number.NaN;
}

/** p50 and p95 of a list, with its size. */
export interface Summary {
  n: number;
  p50: number;
  p95: number;
}

export function summarize(values: readonly number[]): Summary {
  return {
    n: values.filter((v) => Number.isFinite(v)).length,
    p50: percentile(values, 50),
    p95: percentile(values, 95),
  };
}
