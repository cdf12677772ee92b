import { describe, expect, it } from 'vitest';
import { Prng } from '../../audio/prng.ts';
import { FBANK_DEFAULTS, fbank, frameCount } from './fbank.ts';

/**
 * An independent, slow reference: Kaldi's fbank written straight from its definition (direct DFT, mel
 * banks computed per call), so the fast version (tables, FFT) is checked against the formulas.
 */
function referenceFbank(x: Float32Array): Float64Array[] {
  const { frameLength: L, frameShift: S, numBins, sampleRate, lowFreq, preemph } = FBANK_DEFAULTS;
  const N = 512;
  const mel = (f: number): number => 1127 * Math.log(1 + f / 700);
  const high = sampleRate / 2 + FBANK_DEFAULTS.highFreq;
  const delta = (mel(high) - mel(lowFreq)) / (numBins + 1);
  const frames = Math.floor((x.length + S / 2) / S);
  const out: Float64Array[] = [];
  const reflect = (i: number): number => {
    let j = i;
    while (j < 0 || j >= x.length) j = j < 0 ? -j - 1 : 2 * x.length - 1 - j;
    return x[j] ?? 0;
  };
  for (let f = 0; f < frames; f++) {
    const w = Array.from({ length: L }, (_, i) => reflect(f * S + S / 2 - L / 2 + i));
    const mean = w.reduce((a, b) => a + b, 0) / L;
    const d = w.map((v) => v - mean);
    const p = d.map((v, i) => (i === 0 ? v * (1 - preemph) : v - preemph * (d[i - 1] ?? 0)));
    const win = p.map((v, i) => v * Math.pow(0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (L - 1)), 0.85));
    const power = new Float64Array(N / 2);
    for (let k = 0; k < N / 2; k++) {
      let re = 0;
      let im = 0;
      for (let i = 0; i < L; i++) {
        re += (win[i] ?? 0) * Math.cos((2 * Math.PI * k * i) / N);
        im -= (win[i] ?? 0) * Math.sin((2 * Math.PI * k * i) / N);
      }
      power[k] = re * re + im * im;
    }
    const row = new Float64Array(numBins);
    for (let b = 0; b < numBins; b++) {
      const left = mel(lowFreq) + b * delta;
      const center = left + delta;
      const right = center + delta;
      let e = 0;
      for (let k = 0; k < N / 2; k++) {
        const m = mel((k * sampleRate) / N);
        if (m > left && m < right) e += (power[k] ?? 0) * (m <= center ? (m - left) / delta : (right - m) / delta);
      }
      row[b] = Math.log(Math.max(e, 1.1920929e-7));
    }
    out.push(row);
  }
  return out;
}

describe('fbank', () => {
  it('matches the Kaldi definition (direct DFT reference) on seeded noise and a chirp', () => {
    const rng = new Prng(7);
    const n = 16_000 * 0.25 + 123;
    const x = new Float32Array(n);
    for (let i = 0; i < n; i++) x[i] = 0.3 * Math.sin(0.0005 * i * i) + 0.05 * (rng.next() * 2 - 1);
    const fast = fbank(x);
    const ref = referenceFbank(x);
    expect(fast.frames).toBe(ref.length);
    let maxErr = 0;
    ref.forEach((row, f) => {
      row.forEach((v, b) => {
        maxErr = Math.max(maxErr, Math.abs((fast.data[f * 80 + b] ?? 0) - v));
      });
    });
    expect(maxErr).toBeLessThan(1e-4);
  });

  it('counts frames as Kaldi with snip_edges = false', () => {
    expect(frameCount(0)).toBe(0);
    expect(frameCount(79)).toBe(0);
    expect(frameCount(80)).toBe(1);
    expect(frameCount(16_000)).toBe(100);
    expect(fbank(new Float32Array(16_000)).data).toHaveLength(100 * 80);
  });

  it('puts a pure tone in the mel bin that covers it, and floors silence', () => {
    const x = Float32Array.from({ length: 4000 }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 1000 * i) / 16_000));
    const { data } = fbank(x);
    const row = data.subarray(10 * 80, 11 * 80);
    const peak = row.indexOf(Math.max(...row));
    // 1000 Hz sits at mel 1000; bins are ~33.8 mel wide from mel(20) = 31.7.
    expect(peak).toBeGreaterThanOrEqual(26);
    expect(peak).toBeLessThanOrEqual(29);
    const silent = fbank(new Float32Array(1600)).data;
    expect(Math.max(...silent)).toBeCloseTo(Math.log(1.1920929e-7), 5);
  });
});
