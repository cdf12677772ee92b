import { describe, expect, it } from 'vitest';
import { Prng } from '../src/audio/prng.ts';
import { coarseOffset, refine, timeAt } from './latency-align.ts';

/** Bursts of noise ("utterances") with silence between, like the lab fixture. */
function fixture(rate: number, seconds: number, rng: Prng): { x: Float32Array; bursts: [number, number][] } {
  const x = new Float32Array(rate * seconds);
  const bursts: [number, number][] = [];
  for (let at = rate; at + rate < x.length; at += Math.round(rate * (1.5 + rng.next()))) {
    const len = Math.round(rate * (0.4 + 0.6 * rng.next()));
    for (let i = 0; i < len; i++) x[at + i] = (rng.next() * 2 - 1) * 0.3 * Math.sin((Math.PI * i) / len);
    bursts.push([at, at + len]);
    at += len;
  }
  return { x, bursts };
}

describe('latency alignment', () => {
  it('finds the fixture in a recording that starts late, with noise and a slip of a few samples', () => {
    const rng = new Prng(7);
    const rate = 16_000;
    const { x, bursts } = fixture(rate, 30, rng);
    const late = 12_345; // the recording starts this many samples into the fixture
    const rec = new Float32Array(x.length - late);
    for (let i = 0; i < rec.length; i++) {
      const slip = i > rec.length / 2 ? 7 : 0; // the device dropped 7 samples half-way
      rec[i] = (x[i + late + slip] ?? 0) + (rng.next() * 2 - 1) * 0.003;
    }
    const coarse = coarseOffset(x, rec, 160, { min: -rate, max: 5 * rate });
    expect(Math.abs(coarse - late)).toBeLessThanOrEqual(160);
    for (const [start, end] of bursts) {
      if (start - late < 0) continue;
      const slip = start - late > rec.length / 2 ? 7 : 0;
      const r = refine(x, rec, Math.max(start, end - 4800), end, Math.max(start, end - 4800) - coarse, 400);
      expect(r.at).toBe(Math.max(start, end - 4800) - late - slip);
      expect(r.score).toBeGreaterThan(0.5);
    }
  });

  it('maps ring positions to AudioContext time between and beyond anchors', () => {
    const anchors = [
      { pos: 0, time: 10 },
      { pos: 16_000, time: 11 },
      { pos: 32_000, time: 12.001 },
    ];
    expect(timeAt(anchors, 8000, 16_000)).toBeCloseTo(10.5, 9);
    expect(timeAt(anchors, 24_000, 16_000)).toBeCloseTo(11.5005, 9);
    expect(timeAt(anchors, 48_000, 16_000)).toBeCloseTo(13.001, 9);
    expect(timeAt(anchors, -16_000, 16_000)).toBeCloseTo(9, 9);
    expect(timeAt([], 0, 16_000)).toBeNaN();
  });
});
