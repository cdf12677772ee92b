import type { TimingSummary } from './types.ts';

/**
 * The last `capacity` durations (ms) and their percentiles. `add()` never allocates; `summary()` sorts a
 * copy (call it at the stats period, not per frame).
 */
export class TimingWindow {
  readonly #values: Float64Array;
  #count = 0;
  #next = 0;
  #max = 0;

  constructor(capacity = 512) {
    this.#values = new Float64Array(capacity);
  }

  add(ms: number): void {
    this.#values[this.#next] = ms;
    this.#next = (this.#next + 1) % this.#values.length;
    if (this.#count < this.#values.length) this.#count++;
    if (ms > this.#max) this.#max = ms;
  }

  /** Count, p50 and p95 of the window; `max` since construction. NaN percentiles when empty. */
  summary(): TimingSummary {
    const sorted = this.#values.slice(0, this.#count).sort();
    return {
      count: this.#count,
      p50: percentile(sorted, 0.5),
      p95: percentile(sorted, 0.95),
      max: this.#max,
    };
  }
}

/** Nearest-rank percentile of ascending `sorted`; NaN when empty. */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}
