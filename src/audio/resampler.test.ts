import { describe, expect, it } from 'vitest';
import { Prng } from './prng.ts';
import { downmix, isSupportedSampleRate, Resampler, ResamplerError } from './resampler.ts';

/** Runs `input` through `r` in blocks of random (seeded) sizes, then flushes; returns all output. */
function run(r: Resampler, input: Float32Array, rng = new Prng(1), maxBlock = 300): Float32Array {
  const out = new Float32Array(r.maxOutputFrames(input.length) + r.maxOutputFrames(r.latencyFrames) + 8);
  const block = new Float32Array(r.maxOutputFrames(maxBlock));
  let n = 0;
  for (let i = 0; i < input.length;) {
    const size = Math.min(input.length - i, rng.int(0, maxBlock));
    const m = r.process(input.subarray(i, i + size), block);
    expect(m).toBeLessThanOrEqual(r.maxOutputFrames(size));
    out.set(block.subarray(0, m), n);
    n += m;
    i += size;
  }
  n += r.flush(out.subarray(n));
  return out.slice(0, n);
}

function sine(rate: number, freq: number, seconds: number, amp = 0.5): Float32Array {
  const x = new Float32Array(Math.round(rate * seconds));
  for (let i = 0; i < x.length; i++) x[i] = amp * Math.sin((2 * Math.PI * freq * i) / rate);
  return x;
}

/** SNR (dB) of `y` against the analytic sine at the output rate, skipping `skip` samples at each end. */
function snrDb(y: Float32Array, rate: number, freq: number, amp = 0.5, skip = 200): number {
  let s = 0;
  let e = 0;
  for (let j = skip; j < y.length - skip; j++) {
    const ref = amp * Math.sin((2 * Math.PI * freq * j) / rate);
    s += ref * ref;
    e += ((y[j] ?? 0) - ref) ** 2;
  }
  return 10 * Math.log10(s / e);
}

function rmsDb(y: Float32Array, skip = 200): number {
  let e = 0;
  for (let j = skip; j < y.length - skip; j++) e += (y[j] ?? 0) ** 2;
  return 10 * Math.log10(e / (y.length - 2 * skip));
}

describe('Resampler construction', () => {
  it('rejects unsupported rates with a typed error', () => {
    for (const rate of [7999, 192001, 44100.5, NaN, Infinity, 0, -16000]) {
      expect(isSupportedSampleRate(rate)).toBe(false);
      let error: unknown;
      try {
        new Resampler({ inputRate: rate, outputRate: 16000 });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ResamplerError);
      expect(error).toMatchObject({ name: 'ResamplerError', code: 'unsupported_sample_rate' });
    }
    expect(() => new Resampler({ inputRate: 48000, outputRate: 5 })).toThrow(ResamplerError);
  });

  it('rejects bad filter options', () => {
    for (const extra of [{ passband: 1.2 }, { stopband: 0.5 }, { attenuationDb: 10 }, { maxPhases: 3 }]) {
      expect(() => new Resampler({ inputRate: 48000, outputRate: 16000, ...extra })).toThrow(
        expect.objectContaining({ code: 'invalid_option' }),
      );
    }
  });

  it('reduces the ratio and sizes the filter', () => {
    const r = new Resampler({ inputRate: 44100, outputRate: 16000 });
    expect([r.up, r.down]).toEqual([160, 441]);
    expect(r.taps % 2).toBe(0);
    expect(r.latencyFrames).toBe(r.taps / 2);
  });
});

describe('Resampler output', () => {
  it.each([
    [48000, 16000],
    [44100, 16000],
    [16000, 48000],
    [24000, 44100],
    [22050, 48000],
    [8000, 16000],
    [96000, 16000],
    [8001, 16000],
  ])('%i -> %i keeps a 1 kHz sine exact in amplitude and time (SNR > 80 dB)', (fin, fout) => {
    const r = new Resampler({ inputRate: fin, outputRate: fout });
    const y = run(r, sine(fin, 1000, 0.5));
    expect(y.length).toBe(Math.ceil((Math.round(fin * 0.5) * fout) / fin));
    expect(snrDb(y, fout, 1000)).toBeGreaterThan(80);
  });

  it('passes a sweep up to 7 kHz at 60+ dB SNR for 48k and 44.1k to 16k', () => {
    for (const fin of [48000, 44100]) {
      const seconds = 1;
      const x = new Float32Array(fin * seconds);
      const phase = (t: number): number => 2 * Math.PI * (20 * t + (6980 * t * t) / (2 * seconds));
      for (let i = 0; i < x.length; i++) x[i] = 0.5 * Math.sin(phase(i / fin));
      const y = run(new Resampler({ inputRate: fin, outputRate: 16000 }), x);
      let s = 0;
      let e = 0;
      for (let j = 800; j < y.length - 800; j++) {
        const ref = 0.5 * Math.sin(phase(j / 16000));
        s += ref * ref;
        e += ((y[j] ?? 0) - ref) ** 2;
      }
      expect(10 * Math.log10(s / e)).toBeGreaterThan(60);
    }
  });

  it('removes content above the output Nyquist rate (anti-aliasing)', () => {
    for (const freq of [8500, 10000, 15000, 23000]) {
      const y = run(new Resampler({ inputRate: 48000, outputRate: 16000 }), sine(48000, freq, 0.5, 1));
      expect(rmsDb(y)).toBeLessThan(-70);
    }
  });

  it('gives the same output whatever the block sizes (seeded random splits)', () => {
    const x = sine(44100, 440, 0.3);
    for (let i = 0; i < x.length; i += 97) x[i] = 0.9;
    const one = new Resampler({ inputRate: 44100, outputRate: 16000 });
    const whole = new Float32Array(one.maxOutputFrames(x.length) + one.maxOutputFrames(one.latencyFrames));
    let n = one.process(x, whole);
    n += one.flush(whole.subarray(n));
    for (const seed of [1, 2, 3]) {
      const y = run(new Resampler({ inputRate: 44100, outputRate: 16000 }), x, new Prng(seed), 1000);
      expect(y).toEqual(whole.subarray(0, n));
    }
  });

  it('has unity gain at DC and passes audio through unchanged at equal rates', () => {
    const dc = run(new Resampler({ inputRate: 44100, outputRate: 48000 }), new Float32Array(44100).fill(0.25));
    let worst = 0;
    for (let j = 200; j < dc.length - 200; j++) worst = Math.max(worst, Math.abs((dc[j] ?? 0) - 0.25));
    expect(worst).toBeLessThan(1e-5);
    const x = sine(48000, 123, 0.01);
    const same = new Resampler({ inputRate: 48000, outputRate: 48000 });
    expect(same.latencyFrames).toBe(0);
    expect(run(same, x)).toEqual(x);
  });

  it('replaces non-finite input by 0, counts it and never outputs NaN', () => {
    const r = new Resampler({ inputRate: 48000, outputRate: 16000 });
    const x = sine(48000, 500, 0.05);
    x[10] = NaN;
    x[500] = Infinity;
    x[501] = -Infinity;
    const y = run(r, x);
    expect(r.nonFiniteCount).toBe(3);
    expect(y.every((v) => Number.isFinite(v))).toBe(true);
  });

  it('handles empty input and counts output that did not fit', () => {
    const r = new Resampler({ inputRate: 16000, outputRate: 48000 });
    expect(r.process(new Float32Array(0), new Float32Array(10))).toBe(0);
    const small = new Float32Array(4);
    r.process(new Float32Array(1000), small);
    expect(r.droppedOutputFrames).toBeGreaterThan(0);
    expect(r.process(new Float32Array(100), small, 0)).toBe(0);
  });

  it('flushes the whole tail into maxOutputFrames(latencyFrames)', () => {
    for (const [fin, fout] of [
      [16000, 48000],
      [44100, 48000],
      [48000, 16000],
      [8001, 16000],
    ] as const) {
      const r = new Resampler({ inputRate: fin, outputRate: fout });
      const x = sine(fin, 300, 0.1);
      r.process(x, new Float32Array(r.maxOutputFrames(x.length)));
      const produced = r.outputFrames;
      const tail = r.flush(new Float32Array(r.maxOutputFrames(r.latencyFrames)));
      expect(produced + tail).toBe(Math.ceil((x.length * fout) / fin));
      expect(r.droppedOutputFrames).toBe(0);
      expect(r.outputFrames).toBe(0);
    }
  });

  it('tells the context time of the next output sample', () => {
    const r = new Resampler({ inputRate: 48000, outputRate: 16000 });
    const out = new Float32Array(r.maxOutputFrames(128));
    expect(r.nextOutputTime(5)).toBe(5);
    let t = 5;
    for (let q = 0; q < 10; q++) {
      r.process(new Float32Array(128), out);
      t += 128 / 48000;
    }
    // Output n is input time n * 3 frames, whatever the filter delay.
    expect(r.nextOutputTime(t)).toBeCloseTo(5 + (r.outputFrames * 3) / 48000, 12);
    expect(r.inputFrames).toBe(1280);
  });
});

describe('downmix', () => {
  it('averages channels, replaces non-finite samples by 0 and counts them', () => {
    const out = new Float32Array(3);
    expect(downmix([Float32Array.of(1, 0.5, NaN), Float32Array.of(0, 0.5, 1)], out)).toBe(1);
    expect([...out]).toEqual([0.5, 0.5, 0.5]);
    expect(downmix([Float32Array.of(0.25, 0.75, -1)], out, 2)).toBe(0);
    expect([...out]).toEqual([0.25, 0.75, 0.5]);
    expect(downmix([], out)).toBe(0);
    expect([...out]).toEqual([0, 0, 0]);
  });
});
