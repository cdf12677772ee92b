import { describe, expect, it } from 'vitest';
import { createRingStorage, RingWriter } from '../audio/ring-buffer.ts';
import { Prng } from '../audio/prng.ts';
import { ChunkFrameReader, RingFrameReader, type FrameInfo } from './frame-reader.ts';

const F = 512;

/** Sample value of absolute position `p`: exact in float32, so any misplaced sample shows. */
function v(p: number): number {
  return (p % 65_536) / 65_536;
}

function ramp(from: number, n: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => v(from + i));
}

function info(): FrameInfo {
  return { position: -1, time: -1, lost: -1 };
}

describe('RingFrameReader', () => {
  it('cuts contiguous frames with their positions and context times, across many wraps', () => {
    const storage = createRingStorage({ sampleRate: 16_000, capacity: 1500, shared: false });
    const writer = new RingWriter(storage);
    writer.markTime(10);
    const reader = new RingFrameReader(storage, 'oldest');
    const rng = new Prng(7);
    const frame = new Float32Array(F);
    const i = info();
    let written = 0;
    let next = 0;
    for (let round = 0; round < 400; round++) {
      const n = 1 + Math.floor(rng.next() * 700);
      writer.write(ramp(written, n));
      written += n;
      while (reader.next(frame, i)) {
        expect(i.position).toBe(next);
        expect(i.lost).toBe(0);
        expect(i.time).toBeCloseTo(10 + next / 16_000, 9);
        expect(frame[0]).toBe(v(next));
        expect(frame[F - 1]).toBe(v(next + F - 1));
        next += F;
      }
      expect(reader.behind()).toBe(written - next);
      expect(reader.missing(F)).toBe(Math.max(0, F - (written - next)));
    }
    expect(next).toBeGreaterThan(100 * F);
    expect(reader.lostSamples).toBe(0);
  });

  it('reports what the writer overwrote before it was read, and goes on from the oldest held sample', () => {
    const storage = createRingStorage({ sampleRate: 16_000, capacity: 2048, shared: false });
    const writer = new RingWriter(storage);
    const reader = new RingFrameReader(storage, 'oldest');
    writer.write(ramp(0, 5000)); // 5000 written, only the last 2048 held
    const frame = new Float32Array(F);
    const i = info();
    expect(reader.next(frame, i)).toBe(true);
    expect(i.position).toBe(5000 - 2048);
    expect(i.lost).toBe(5000 - 2048);
    expect(frame[0]).toBe(v(5000 - 2048));
    expect(reader.next(frame, i)).toBe(true);
    expect(i.lost).toBe(0);
    expect(reader.lostSamples).toBe(5000 - 2048);
  });

  it('starts at the newest sample by default, at a clamped position when asked, and has no clock before markTime', () => {
    const storage = createRingStorage({ sampleRate: 16_000, capacity: 4096, shared: false });
    const writer = new RingWriter(storage);
    writer.write(ramp(0, 3000));
    expect(new RingFrameReader(storage).position).toBe(3000);
    expect(new RingFrameReader(storage, 100).position).toBe(100);
    expect(new RingFrameReader(storage, -5).position).toBe(0);
    expect(new RingFrameReader(storage, 1e9).position).toBe(3000);
    const r = new RingFrameReader(storage, 1024);
    const i = info();
    expect(r.next(new Float32Array(F), i)).toBe(true);
    expect(i.time).toBe(1024 / 16_000); // no anchor: position / rate
    expect(Number.isNaN(r.newestTime())).toBe(true);
  });
});

describe('ChunkFrameReader', () => {
  it('reassembles frames from chunks of any size', () => {
    const r = new ChunkFrameReader();
    const rng = new Prng(3);
    const frame = new Float32Array(F);
    const i = info();
    let pos = 1000;
    let next = 1000;
    for (let k = 0; k < 300; k++) {
      const n = 1 + Math.floor(rng.next() * 900);
      r.push({ type: 'samples', samples: ramp(pos, n), position: pos, time: 5 + pos / 16_000 });
      pos += n;
      while (r.next(frame, i)) {
        expect(i.position).toBe(next);
        expect(i.lost).toBe(0);
        expect(i.time).toBeCloseTo(5 + next / 16_000, 9);
        expect(frame[0]).toBe(v(next));
        expect(frame[F - 1]).toBe(v(next + F - 1));
        next += F;
      }
      expect(r.behind()).toBe(pos - next);
    }
    expect(r.newestTime()).toBeCloseTo(5 + pos / 16_000, 9);
  });

  it('trims a chunk that overlaps what it already has (a replay after a restart)', () => {
    const r = new ChunkFrameReader();
    r.push({ type: 'samples', samples: ramp(0, 700), position: 0, time: Number.NaN });
    r.push({ type: 'samples', samples: ramp(200, 900), position: 200, time: Number.NaN });
    const frame = new Float32Array(F);
    const i = info();
    expect(r.next(frame, i) && r.next(frame, i)).toBe(true);
    expect(i.position).toBe(512);
    expect(i.time).toBe(512 / 16_000);
    expect(frame[0]).toBe(v(512));
    expect(frame[F - 1]).toBe(v(1023));
    expect(r.behind()).toBe(1100 - 1024);
  });

  it('drops an incomplete frame cut by a gap, and reports the loss with the next frame', () => {
    const r = new ChunkFrameReader();
    const frame = new Float32Array(F);
    const i = info();
    r.push({ type: 'samples', samples: ramp(0, 800), position: 0, time: 0 });
    expect(r.next(frame, i)).toBe(true);
    expect(i.lost).toBe(0);
    // 288 samples left before a gap of 1000: they can never make a frame.
    r.push({ type: 'samples', samples: ramp(1800, 600), position: 1800, time: 1800 / 16_000 });
    expect(r.next(frame, i)).toBe(true);
    expect(i.position).toBe(1800);
    expect(i.lost).toBe(288 + 1000);
    expect(frame[0]).toBe(v(1800));
    expect(r.lostSamples).toBe(1288);
  });

  it('bounds its queue and counts what it had to drop', () => {
    const r = new ChunkFrameReader(16_000, 0.1); // 1600 samples
    for (let k = 0; k < 10; k++) r.push({ type: 'samples', samples: ramp(k * 400, 400), position: k * 400, time: 0 });
    expect(r.behind()).toBeLessThanOrEqual(1600);
    const i = info();
    expect(r.next(new Float32Array(F), i)).toBe(true);
    expect(i.lost).toBe(4000 - 1600);
    expect(i.position).toBe(2400);
  });
});
