import { describe, expect, it } from 'vitest';
import { LEVEL_FLOOR_DB, LevelTrack } from './speech-level.ts';

/** A signal at `db` dBFS (RMS) for `n` samples: a square wave of amplitude 10^(db/20). */
function level(db: number, n: number): Float32Array {
  const a = 10 ** (db / 20);
  return Float32Array.from({ length: n }, (_, i) => (i % 2 === 0 ? a : -a));
}

function concat(...parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

describe('LevelTrack', () => {
  it('measures each block once, from overlapping frames, at absolute positions', () => {
    const t = new LevelTrack(64, 64);
    // Stream starts at 1000: blocks are [1000 + 64k, 1000 + 64(k+1)).
    const x = concat(level(-20, 640), level(-40, 640), level(-60, 640));
    for (let p = 0; p + 512 <= x.length; p += 256) t.add(x.subarray(p, p + 512), 1000 + p);
    t.silent(1000 + 1280, 1000 + 1920, 0.032); // the -60 dB part: the first silent frame sets the floor
    expect(t.floorDb).toBeCloseTo(-60, 5);
    // Loud (>= -60 + 30) until the end of the -20 dB part; >= -60 + 10 until the end of the -40 dB part.
    expect(t.lastLoudEnd(1000, 1000 + 1792, 30)).toBe(1000 + 640);
    expect(t.lastLoudEnd(1000, 1000 + 1792, 10)).toBe(1000 + 1280);
    expect(t.lastLoudEnd(1000 + 1280, 1000 + 1792, 10)).toBeNull();
  });

  it('takes a block it never measured (not covered, or forgotten) as loud', () => {
    const t = new LevelTrack(64, 8);
    t.add(level(-70, 512), 0);
    t.silent(0, 512, 0.032);
    expect(t.lastLoudEnd(0, 512, 6)).toBeNull();
    // Beyond what was measured: unknown, loud.
    expect(t.lastLoudEnd(0, 640, 6)).toBe(640);
    t.add(level(-70, 512), 512);
    // The ring keeps 8 blocks: the first 512 samples are forgotten.
    expect(t.lastLoudEnd(0, 512, 6)).toBe(512);
    expect(t.lastLoudEnd(512, 1024, 6)).toBeNull();
  });

  it('lets the floor fall at once and rise slowly (0.3 s time constant); digital silence is -80 dBFS', () => {
    const t = new LevelTrack(64, 64);
    expect(t.floorDb).toBe(LEVEL_FLOOR_DB);
    let pos = 0;
    const frame = (db: number): void => {
      t.add(db === -Infinity ? new Float32Array(256) : level(db, 256), pos);
      pos += 256;
      t.silent(pos - 256, pos, 0.016);
    };
    frame(-40);
    expect(t.floorDb).toBeCloseTo(-40, 5);
    frame(-60);
    expect(t.floorDb).toBeCloseTo(-60, 5);
    frame(-30);
    expect(t.floorDb).toBeCloseTo(-60 + 30 * (0.016 / 0.3), 5);
    for (let k = 0; k < 200; k++) frame(-30);
    expect(t.floorDb).toBeCloseTo(-30, 1);
    frame(-Infinity);
    expect(t.floorDb).toBe(LEVEL_FLOOR_DB);
  });

  it('uses the median of a silent frame, so a click does not lift the floor', () => {
    const t = new LevelTrack(64, 64);
    const x = concat(level(-50, 448), level(0, 64));
    t.add(x, 0);
    t.silent(0, 512, 0.032);
    expect(t.floorDb).toBeCloseTo(-50, 5);
  });

  it('forgets everything on reset', () => {
    const t = new LevelTrack(64, 64);
    t.add(level(-30, 512), 0);
    t.silent(0, 512, 0.032);
    t.reset();
    expect(t.floorDb).toBe(LEVEL_FLOOR_DB);
    expect(t.lastLoudEnd(0, 512, 6)).toBe(512);
    t.add(level(-30, 512), 5000); // a new stream starts at 5000
    expect(t.lastLoudEnd(5000, 5512, 6)).toBe(5512);
  });

  describe('secondLoudestDb (a barge-in hint: a sound held for two 4 ms blocks)', () => {
    /** A track of 4 ms blocks that has measured `x` from position 0. */
    const track = (x: Float32Array): LevelTrack => {
      const t = new LevelTrack(64, 16);
      t.add(x, 0);
      return t;
    };

    it('is the level of a steady sound', () => {
      expect(track(level(-23, 256)).secondLoudestDb(0, 256)).toBeCloseTo(-23, 5);
    });

    it('is the floor for silence and for a range with fewer than two known blocks', () => {
      expect(track(new Float32Array(256)).secondLoudestDb(0, 256)).toBe(LEVEL_FLOOR_DB);
      expect(track(level(-6, 256)).secondLoudestDb(0, 64 + 10)).toBe(LEVEL_FLOOR_DB);
      expect(track(level(-6, 128)).secondLoudestDb(128, 384)).toBe(LEVEL_FLOOR_DB); // not measured
    });

    it('ignores a click inside one block but counts a sound that lasts two', () => {
      const click = new Float32Array(256);
      click[100] = 0.9;
      click[101] = -0.7;
      expect(track(click).secondLoudestDb(0, 256)).toBe(LEVEL_FLOOR_DB);
      // An onset in the last 8 ms of the range.
      expect(track(concat(new Float32Array(128), level(-30, 128))).secondLoudestDb(0, 256)).toBeCloseTo(-30, 5);
    });

    it('takes the second-loudest block, whatever the order', () => {
      const x = concat(level(-10, 64), level(-40, 64), level(-20, 64), level(-40, 64));
      expect(track(x).secondLoudestDb(0, 256)).toBeCloseTo(-20, 5);
    });
  });
});
