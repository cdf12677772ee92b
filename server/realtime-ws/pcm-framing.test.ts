import { describe, expect, it } from 'vitest';
import { Prng } from '../../src/audio/prng.ts';
import { decodePcm16Base64 } from '../tts/pcm.ts';
import { encodePcm16Base64, WIRE_RATE, WireResampler } from './pcm-framing.ts';

function tone(rate: number, hz: number, seconds: number, amp = 12_000): Int16Array {
  const out = new Int16Array(Math.round(rate * seconds));
  for (let i = 0; i < out.length; i++) out[i] = Math.round(amp * Math.sin((2 * Math.PI * hz * i) / rate));
  return out;
}

/** Everything `r` outputs for `pcm` pushed in seeded random chunk sizes, then flushed. */
function runChunked(r: WireResampler, pcm: Int16Array, rng: Prng): Int16Array {
  const parts: Int16Array[] = [];
  for (let i = 0; i < pcm.length;) {
    const n = Math.min(pcm.length - i, rng.int(0, 1500));
    parts.push(r.push(pcm.subarray(i, i + n)));
    i += n;
  }
  parts.push(r.flush());
  const out = new Int16Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const rms = (x: Int16Array, from = 0, to = x.length): number => {
  let s = 0;
  for (let i = from; i < to; i++) s += (x[i] ?? 0) ** 2;
  return Math.sqrt(s / Math.max(1, to - from));
};

describe('PCM16 base64 framing', () => {
  it('round-trips little-endian 16-bit PCM, extremes and views included', () => {
    const pcm = new Int16Array([0, 1, -1, 32767, -32768, 12345, -23456, 7]);
    const b64 = encodePcm16Base64(pcm);
    expect(Array.from(Buffer.from(b64, 'base64').subarray(0, 4))).toEqual([0, 0, 1, 0]);
    expect(decodePcm16Base64(b64)).toEqual(pcm);
    // A view into a larger buffer encodes only its own samples.
    expect(decodePcm16Base64(encodePcm16Base64(pcm.subarray(3, 5)))).toEqual(new Int16Array([32767, -32768]));
  });
});

describe('WireResampler', () => {
  it('passes 24 kHz through untouched', () => {
    const pcm = tone(WIRE_RATE, 440, 0.1);
    const r = new WireResampler(WIRE_RATE);
    expect(r.push(pcm)).toBe(pcm);
    expect(r.flush()).toHaveLength(0);
  });

  it('takes 48 kHz to 24 kHz: the same length, the same tone, whatever the chunk sizes (seeded)', () => {
    const input = tone(48_000, 1000, 1);
    const whole = new WireResampler(48_000);
    const once = runChunked(whole, input, new Prng(1));
    expect(once.length).toBeGreaterThanOrEqual(WIRE_RATE - 2);
    expect(once.length).toBeLessThanOrEqual(WIRE_RATE + 2);
    const expected = tone(WIRE_RATE, 1000, 1);
    const mid: [number, number] = [2000, 22_000];
    let err = 0;
    for (let i = mid[0]; i < mid[1]; i++) err += ((once[i] ?? 0) - (expected[i] ?? 0)) ** 2;
    const snr = 10 * Math.log10(rms(expected, ...mid) ** 2 / (err / (mid[1] - mid[0])));
    expect(snr).toBeGreaterThan(40);
    for (const seed of [2, 3, 4]) expect(runChunked(new WireResampler(48_000), input, new Prng(seed))).toEqual(once);
  });

  it('filters what 24 kHz cannot carry instead of folding it back', () => {
    // 15 kHz at 48 kHz would alias to 9 kHz at 24 kHz without the low-pass.
    const out = runChunked(new WireResampler(48_000), tone(48_000, 15_000, 0.5), new Prng(5));
    expect(rms(out, 500, out.length - 500)).toBeLessThan(12_000 * 0.01);
  });

  it('starts each reply fresh after reset (a cancelled reply leaves nothing behind)', () => {
    const r = new WireResampler(48_000);
    r.push(tone(48_000, 1000, 0.05));
    r.reset();
    const silence = runChunked(r, new Int16Array(4800), new Prng(6));
    expect(rms(silence)).toBe(0);
  });

  it('takes 16 kHz up to 24 kHz', () => {
    const out = runChunked(new WireResampler(16_000), tone(16_000, 500, 0.5), new Prng(7));
    expect(Math.abs(out.length - 12_000)).toBeLessThanOrEqual(2);
    expect(rms(out, 1000, 11_000)).toBeGreaterThan(12_000 * 0.65);
  });
});
