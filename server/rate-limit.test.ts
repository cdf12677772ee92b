import { describe, expect, it } from 'vitest';
import { FloodGuard, TokenBucket } from './rate-limit.ts';

describe('TokenBucket', () => {
  it('allows a burst of capacity, then refills at the rate', () => {
    const b = new TokenBucket(3, 10, 0);
    expect([b.take(0), b.take(0), b.take(0), b.take(0)]).toEqual([true, true, true, false]);
    expect(b.take(50)).toBe(false); // half a token
    expect(b.take(100)).toBe(true);
    expect(b.take(100)).toBe(false);
  });

  it('never exceeds capacity after a long idle time, and tolerates a clock going back', () => {
    const b = new TokenBucket(2, 1000, 0);
    b.take(0);
    expect([b.take(1e9), b.take(1e9), b.take(1e9)]).toEqual([true, true, false]);
    expect(b.take(5)).toBe(false);
  });
});

describe('FloodGuard', () => {
  it('reports once per flood and drops the rest silently', () => {
    const g = new FloodGuard({ capacity: 5, ratePerSecond: 5, reportEveryMs: 1000 });
    const verdicts = Array.from({ length: 1000 }, () => g.check('bad', 0));
    expect(verdicts.filter((v) => v === 'accept')).toHaveLength(5);
    expect(verdicts.filter((v) => v === 'reject_and_report')).toHaveLength(1);
    expect(g.dropped('bad')).toBe(995);
    expect(g.check('good', 0)).toBe('accept');
    expect(g.check('bad', 1000)).toBe('accept');
  });

  it('reports again after reportEveryMs while the flood goes on', () => {
    const g = new FloodGuard({ capacity: 1, ratePerSecond: 0.001, reportEveryMs: 100 });
    g.check('x', 0);
    expect(g.check('x', 1)).toBe('reject_and_report');
    expect(g.check('x', 50)).toBe('drop');
    expect(g.check('x', 101)).toBe('reject_and_report');
  });
});
