import { describe, expect, it } from 'vitest';
import { Prng } from '../../audio/prng.ts';
import { decodeBase64, decodePcm16Base64, floatToPcm16, Pcm16Base64Encoder } from './pcm16-base64.ts';

/** The reference: Node's own base64 of the same little-endian bytes. */
function reference(samples: Float32Array, n: number): string {
  const b = Buffer.alloc(n * 2);
  for (let i = 0; i < n; i++) b.writeInt16LE(floatToPcm16(samples[i] ?? 0), 2 * i);
  return b.toString('base64');
}

describe('PCM16 base64', () => {
  it('maps floats to 16-bit integers: clamped, rounded, NaN to 0', () => {
    expect([-1, -2, 1, 2, 0, 0.5, -0.5, Number.NaN].map(floatToPcm16)).toEqual([
      -32768, -32768, 32767, 32767, 0, 16384, -16384, 0,
    ]);
  });

  it('encodes seeded random chunks of every length as Node does, reusing its buffers', () => {
    const rng = new Prng(14);
    const enc = new Pcm16Base64Encoder();
    const buf = new Float32Array(2048);
    for (let round = 0; round < 300; round++) {
      const n = round < 8 ? round : rng.int(0, buf.length);
      for (let i = 0; i < buf.length; i++) buf[i] = rng.next() * 2.4 - 1.2; // some beyond [-1, 1]
      const canary = buf[n] ?? 0;
      const b64 = enc.encode(buf, n);
      expect(b64).toBe(reference(buf, n));
      expect(buf[n] ?? 0).toBe(canary); // nothing past `n` read into the output or written
      // Decoding gives the same integers back.
      const back = decodePcm16Base64(b64);
      expect(back && Array.from(back)).toEqual(Array.from(buf.subarray(0, n), floatToPcm16));
    }
  });

  it('decodes base64 as Node does (padding 0, 1, 2)', () => {
    const rng = new Prng(7);
    for (let len = 0; len < 40; len++) {
      const bytes = Buffer.from(Array.from({ length: len }, () => rng.int(0, 255)));
      expect(Array.from(decodeBase64(bytes.toString('base64')) ?? [-1])).toEqual(Array.from(bytes));
    }
  });

  it('refuses what is not base64 of whole samples', () => {
    for (const bad of ['A', 'AAA', 'AA*A', 'AAAA====', 'éAAA', 'AA=A']) expect(decodeBase64(bad), bad).toBeNull();
    expect(decodePcm16Base64('AA==')).toBeNull(); // one byte: half a sample
    expect(Array.from(decodePcm16Base64('AAA=') ?? [])).toEqual([0]);
    expect(Array.from(decodePcm16Base64('/38AgA==') ?? [])).toEqual([32767, -32768]);
  });
});
