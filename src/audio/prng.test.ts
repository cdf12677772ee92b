import { describe, expect, it } from 'vitest';
import { Prng } from './prng.ts';

describe('Prng', () => {
  it('is deterministic per seed and stays in range', () => {
    const a = new Prng(123);
    const b = new Prng(123);
    const c = new Prng(124);
    const xs = Array.from({ length: 1000 }, () => a.next());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b.next()));
    expect(xs[0]).not.toBe(c.next());
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    for (let i = 0; i < 1000; i++) {
      const n = a.int(-3, 3);
      expect(Number.isInteger(n) && n >= -3 && n <= 3).toBe(true);
    }
    expect(a.exponential(5)).toBeGreaterThanOrEqual(0);
    expect(Number.isFinite(a.gaussian())).toBe(true);
  });
});
