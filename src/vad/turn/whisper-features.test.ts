import { describe, expect, it } from 'vitest';
import { melFilterbank, N_FRAMES, N_MELS, pairwiseSum32, WhisperFeatures } from './whisper-features.ts';

describe('Whisper log-mel features (pure core)', () => {
  it('sums float32 pairwise like numpy (differs from a naive float32 loop)', () => {
    const a = new Float32Array(100_003);
    for (let i = 0; i < a.length; i++) a[i] = Math.fround(0.1 + (i % 7) * 1e-3);
    let naive = 0;
    for (const v of a) naive = Math.fround(naive + v);
    let exact = 0;
    for (const v of a) exact += v;
    const pw = pairwiseSum32(a, 0, a.length);
    expect(Math.abs(pw - exact)).toBeLessThan(Math.abs(naive - exact));
    expect(Math.abs(pw - exact) / exact).toBeLessThan(1e-6);
    expect(pairwiseSum32(new Float32Array([1, 2, 3]), 0, 3)).toBe(6);
  });

  it('has 80 Slaney filters over 0-8 kHz, each a triangle of positive weights', () => {
    const f = melFilterbank();
    expect(f).toHaveLength(N_MELS);
    let prev = -1;
    for (const band of f) {
      expect(band.weights.length).toBeGreaterThan(0);
      expect(band.first).toBeGreaterThanOrEqual(prev);
      prev = band.first;
      for (const w of band.weights) expect(w).toBeGreaterThan(0);
    }
  });

  it('puts a 1 kHz tone in the band around 1 kHz and reuses its output buffer', () => {
    const w = new WhisperFeatures();
    const x = new Float32Array(16_000 * 3);
    for (let i = 0; i < x.length; i++) x[i] = 0.3 * Math.sin((2 * Math.PI * 1000 * i) / 16_000);
    const out = w.compute(x);
    expect(out).toHaveLength(N_MELS * N_FRAMES);
    // The last frame holds the tone (the audio is right-aligned in the 8 s window).
    const f = N_FRAMES - 10;
    let best = 0;
    for (let m = 1; m < N_MELS; m++) if ((out[m * N_FRAMES + f] ?? 0) > (out[best * N_FRAMES + f] ?? 0)) best = m;
    // Slaney mel of 1 kHz is 15 of 45.2 (8 kHz) over 81 intervals: band ~26.
    expect(best).toBeGreaterThanOrEqual(25);
    expect(best).toBeLessThanOrEqual(28);
    // The zero-padded start is at the floor (max - 8, then (x + 4) / 4).
    const max = Math.max(...out);
    expect(out[0]).toBeCloseTo(max - 2, 5);
    const again = w.compute(x);
    expect(again).toBe(out);
  });
});
