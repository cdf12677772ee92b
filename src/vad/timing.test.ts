import { describe, expect, it } from 'vitest';
import { percentile, TimingWindow } from './timing.ts';

describe('TimingWindow', () => {
  it('keeps the last N durations and reports nearest-rank percentiles, max since construction', () => {
    const w = new TimingWindow(4);
    expect(w.summary().count).toBe(0);
    expect(Number.isNaN(w.summary().p50)).toBe(true);
    for (const ms of [9, 1, 2, 3, 4]) w.add(ms); // 9 falls out of the window
    expect(w.summary()).toEqual({ count: 4, p50: 2, p95: 4, max: 9 });
  });

  it('percentile is nearest-rank on ascending input', () => {
    const s = Array.from({ length: 20 }, (_, i) => i + 1);
    expect(percentile(s, 0.5)).toBe(10);
    expect(percentile(s, 0.95)).toBe(19);
    expect(percentile(s, 1)).toBe(20);
    expect(percentile([7], 0.95)).toBe(7);
  });
});
