import { describe, expect, it } from 'vitest';
import { createRingStorage, RingReader, RingWriter } from '../audio/ring-buffer.ts';
import { readTurnAudio } from './turn-audio.ts';

const value = (pos: number): number => Math.fround(((pos * 7919) % 4001) / 4001 - 0.5);

/** A ring of `capacity` samples holding positions [0, written), stamped 1 s at position 0. */
function ring(capacity: number, written: number): RingReader {
  const storage = createRingStorage({ capacity, shared: false });
  const w = new RingWriter(storage);
  const chunk = new Float32Array(128);
  for (let at = 0; at < written; at += chunk.length) {
    const n = Math.min(chunk.length, written - at);
    for (let i = 0; i < n; i++) chunk[i] = value(at + i);
    w.markTime(1 + at / 16_000);
    w.write(chunk, 0, n);
  }
  return new RingReader(storage);
}

describe('readTurnAudio', () => {
  it('reads a sample span whole, sample for sample', () => {
    const r = ring(16_000, 12_000);
    const { samples, range } = readTurnAudio(r, { unit: 'sample', start: 3000, end: 11_000 });
    expect(range).toEqual({ startSample: 3000, endSample: 11_000, samples: 8000, lostSamples: 0 });
    for (let i = 0; i < samples.length; i++) expect(samples[i]).toBe(value(3000 + i));
  });

  it('maps a span in AudioContext time through the ring clock; an open end reads to the newest sample', () => {
    const r = ring(16_000, 12_000);
    const { range } = readTurnAudio(r, { unit: 'time', start: 1.25, end: null });
    expect(range).toEqual({ startSample: 4000, endSample: 12_000, samples: 8000, lostSamples: 0 });
  });

  it('counts what the ring no longer holds and reads the rest', () => {
    const r = ring(4096, 12_000); // holds [7904, 12000)
    const { samples, range } = readTurnAudio(r, { unit: 'sample', start: 6000, end: 12_000 });
    expect(range.lostSamples).toBe(12_000 - 6000 - samples.length);
    expect(range.lostSamples).toBeGreaterThan(0);
    expect(samples[0]).toBe(value(12_000 - samples.length));
  });

  it('a span past the newest sample is cut to what exists (and counted)', () => {
    const r = ring(16_000, 5000);
    const { range } = readTurnAudio(r, { unit: 'sample', start: 4000, end: 6000 });
    expect(range).toEqual({ startSample: 4000, endSample: 5000, samples: 1000, lostSamples: 0 });
  });
});
