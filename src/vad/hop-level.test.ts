import { describe, expect, it } from 'vitest';
import { HOP_LEVEL_BLOCK, sustainedLevelDb } from './hop-level.ts';
import { LEVEL_FLOOR_DB } from './speech-level.ts';

function tone(n: number, amp: number, from = 0, to = n): Float32Array {
  const x = new Float32Array(n);
  for (let i = from; i < to; i++) x[i] = amp * Math.sin((2 * Math.PI * 440 * i) / 16_000);
  return x;
}

describe('sustainedLevelDb', () => {
  it('is the level of a steady sound (a sine of amplitude a is 20·log10(a/√2) dBFS)', () => {
    expect(sustainedLevelDb(tone(256, 0.1))).toBeCloseTo(20 * Math.log10(0.1 / Math.SQRT2), 0);
  });

  it('is the floor for silence and for a hop shorter than two blocks', () => {
    expect(sustainedLevelDb(new Float32Array(256))).toBe(LEVEL_FLOOR_DB);
    expect(sustainedLevelDb(tone(HOP_LEVEL_BLOCK + 10, 0.5))).toBe(LEVEL_FLOOR_DB);
  });

  it('ignores a click inside one block but counts a sound that lasts two', () => {
    const click = new Float32Array(256);
    click[100] = 0.9;
    click[101] = -0.7;
    expect(sustainedLevelDb(click)).toBe(LEVEL_FLOOR_DB);
    // An onset in the last 8 ms of the hop.
    expect(sustainedLevelDb(tone(256, 0.05, 256 - 2 * HOP_LEVEL_BLOCK))).toBeGreaterThan(-35);
  });

  it('takes the second-loudest block, whatever the order', () => {
    const x = tone(256, 0.01);
    x.set(tone(64, 0.3), 0);
    x.set(tone(64, 0.1), 128);
    expect(sustainedLevelDb(x)).toBeCloseTo(20 * Math.log10(0.1 / Math.SQRT2), 0);
  });
});
