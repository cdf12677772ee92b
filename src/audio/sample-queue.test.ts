import { describe, expect, it } from 'vitest';
import { Prng } from './prng.ts';
import { SampleQueue } from './sample-queue.ts';

describe('SampleQueue', () => {
  it('keeps samples and runs in order through many wrap-arounds (seeded)', () => {
    const rng = new Prng(9);
    const q = new SampleQueue(100, 8, 3);
    const src = new Float32Array(100);
    const out = new Float32Array(100);
    let written = 0;
    let read = 0;
    for (let step = 0; step < 2000; step++) {
      const n = rng.int(0, q.free);
      for (let i = 0; i < n; i++) src[i] = (written + i) % 1000;
      const tag = rng.int(0, 2);
      const got = q.append(tag, src, 0, n);
      written += got;
      expect(q.segmentsOf(0) + q.segmentsOf(1) + q.segmentsOf(2)).toBe(q.segments);
      while (q.segments > 0 && rng.next() < 0.7) {
        const k = Math.min(q.headLength(), rng.int(1, 40));
        q.copy(0, out, 0, k);
        for (let i = 0; i < k; i++) if (out[i] !== (read + i) % 1000) throw new Error(`sample ${read + i}`);
        q.consume(k);
        read += k;
      }
      expect(q.stored).toBe(written - read);
    }
  });

  it('merges runs of the same tag and kind; gaps take no storage', () => {
    const q = new SampleQueue(10, 2, 2);
    expect(q.append(0, Float32Array.of(1, 2), 0, 2)).toBe(2);
    expect(q.append(0, Float32Array.of(3), 0, 1)).toBe(1);
    expect(q.appendGap(0, 50)).toBe(true);
    expect(q.appendGap(1, 5)).toBe(false);
    expect(q.append(1, Float32Array.of(4), 0, 1)).toBe(0);
    expect([q.segments, q.stored, q.headLength(), q.headIsGap()]).toEqual([2, 3, 3, false]);
    expect(q.peek(2)).toBe(3);
    q.consume(3);
    expect([q.headTag(), q.headLength(), q.headIsGap(), q.stored]).toEqual([0, 50, true, 0]);
    expect(q.clear()).toBe(0);
    expect(q.headTag()).toBe(-1);
  });

  it('replaces non-finite samples by 0 and counts them', () => {
    const q = new SampleQueue(4, 2, 1);
    q.append(0, Float32Array.of(NaN, 1, -Infinity), 0, 3);
    expect(q.nonFiniteCount).toBe(2);
    expect([q.peek(0), q.peek(1), q.peek(2)]).toEqual([0, 1, 0]);
  });
});
