import { describe, expect, it } from 'vitest';
import { ArrivalDelayEstimator } from './arrival-delay.ts';
import { Prng } from './prng.ts';

const settings = { minDelayMs: 20, maxDelayMs: 500, quantile: 0.95, historyMs: 10000, windowMs: 2000, bucketMs: 5 };

describe('ArrivalDelayEstimator', () => {
  it('measures delays against the fastest arrival in the window, on the media timeline', () => {
    const e = new ArrivalDelayEstimator(settings);
    expect(e.referenceMs).toBeNaN();
    expect(e.observe(100, 0, 20)).toBe(0);
    expect(e.observe(130, 20, 20)).toBe(10);
    expect(e.observe(135, 40, 20)).toBe(0);
    expect(e.referenceMs).toBe(95);
    // 3 s later the early arrivals left the window: the reference moves up with the new path delay.
    expect(e.observe(3200, 3000, 20)).toBe(0);
    expect(e.referenceMs).toBe(200);
    e.newStream();
    expect(e.referenceMs).toBeNaN();
  });

  it('targets the floor plus the quantile of the delays, and forgets old ones', () => {
    const rng = new Prng(5);
    const e = new ArrivalDelayEstimator(settings);
    for (let k = 0; k < 500; k++) e.observe(k * 20 + (rng.next() < 0.1 ? 100 : 0), k * 20, 20);
    // 10% of chunks are 100 ms late: the 95th percentile is 100 ms.
    expect(e.targetMs).toBe(120);
    for (let k = 500; k < 2500; k++) e.observe(k * 20, k * 20, 20);
    expect(e.targetMs).toBe(20);
  });

  it('caps the target at maxDelayMs', () => {
    const e = new ArrivalDelayEstimator({ ...settings, maxDelayMs: 100 });
    e.observe(0, 0, 20);
    for (let k = 1; k < 100; k++) e.observe(k * 20 + 900, k * 20, 20);
    expect(e.targetMs).toBe(100);
  });
});
