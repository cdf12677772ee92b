import { describe, expect, it } from 'vitest';
import { Prng } from './prng.ts';
import { int16ToFloat32, Pcm16Decoder } from './pcm16.ts';

function bytesOf(samples: number[]): Uint8Array {
  const b = new Uint8Array(samples.length * 2);
  new DataView(b.buffer).setInt16(0, 0, true);
  samples.forEach((s, i) => {
    new DataView(b.buffer).setInt16(i * 2, s, true);
  });
  return b;
}

describe('Pcm16Decoder', () => {
  it('decodes little-endian samples', () => {
    const d = new Pcm16Decoder();
    expect(Array.from(d.decode(bytesOf([0, 16384, -32768, 32767])))).toEqual([0, 0.5, -1, 32767 / 32768]);
    expect(d.pending).toBe(false);
  });

  it('carries an odd byte across chunks, for any split', () => {
    const prng = new Prng(7);
    const rnd = (): number => prng.next();
    const samples = Array.from({ length: 997 }, () => Math.floor(rnd() * 65536) - 32768);
    const all = bytesOf(samples);
    for (let trial = 0; trial < 50; trial++) {
      const d = new Pcm16Decoder();
      const got: number[] = [];
      let at = 0;
      while (at < all.length) {
        const n = Math.min(all.length - at, Math.floor(rnd() * 9)); // includes empty chunks
        got.push(...d.decode(all.subarray(at, at + n)));
        at += n;
      }
      expect(d.pending).toBe(false);
      expect(got).toEqual(samples.map((s) => s / 32768));
    }
  });

  it('keeps a pending byte through an empty chunk', () => {
    const d = new Pcm16Decoder();
    expect(d.decode(new Uint8Array([0x00])).length).toBe(0);
    expect(d.decode(new Uint8Array([])).length).toBe(0);
    expect(d.pending).toBe(true);
    expect(Array.from(d.decode(new Uint8Array([0x40])))).toEqual([0.5]);
  });
});

describe('int16ToFloat32', () => {
  it('scales by 1/32768', () => {
    expect(Array.from(int16ToFloat32(Int16Array.from([-32768, 0, 16384])))).toEqual([-1, 0, 0.5]);
  });
});
