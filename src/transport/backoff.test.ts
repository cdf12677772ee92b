import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.ts';

describe('backoffDelay', () => {
  it('doubles up to the cap, with jitter in [cap/2, cap]', () => {
    const lo = (n: number) => backoffDelay(n, () => 0);
    const hi = (n: number) => backoffDelay(n, () => 0.999999);
    expect([1, 2, 3, 4, 5, 6].map(lo)).toEqual([150, 300, 600, 1200, 1500, 1500]);
    expect([1, 2, 3, 4, 5, 6].map(hi)).toEqual([300, 600, 1200, 2400, 3000, 3000]);
    const o = { maxMs: 8000 };
    expect([5, 6].map((n) => backoffDelay(n, () => 0.999999, o))).toEqual([4800, 8000]);
  });

  it('never gives up by default (a long outage), capped, and never NaN', () => {
    for (const n of [9, 100, 10_000, 1e7]) expect(backoffDelay(n, () => 0.5)).toBe(2250);
  });

  it('gives up after maxAttempts when one is set, and rejects nonsense attempts', () => {
    expect(backoffDelay(8, () => 0.5, { maxAttempts: 8 })).not.toBeNull();
    expect(backoffDelay(9, () => 0.5, { maxAttempts: 8 })).toBeNull();
    expect(backoffDelay(0, () => 0.5)).toBeNull();
    expect(backoffDelay(1.5, () => 0.5)).toBeNull();
    expect(backoffDelay(3, () => 0.5, { maxAttempts: 2 })).toBeNull();
  });
});
