import { describe, expect, it } from 'vitest';
import { positionAtTime, timeOfPosition } from './audio-clock.ts';

/** Anchor ring of `slots` slots holding the given (pos, time) pairs, oldest first. */
function anchors(slots: number, pairs: [number, number][]): Float64Array {
  const a = new Float64Array(slots * 2);
  pairs.forEach(([pos, time], n) => {
    a[(n % slots) * 2] = pos;
    a[(n % slots) * 2 + 1] = time;
  });
  return a;
}

describe('audio clock anchors', () => {
  it('returns NaN without anchors', () => {
    expect(timeOfPosition(new Float64Array(4), 0, 100, 5)).toBeNaN();
    expect(positionAtTime(new Float64Array(4), 0, 100, 5)).toBeNaN();
  });

  it('maps both ways through the newest anchor at or before the query', () => {
    const a = anchors(4, [
      [0, 10],
      [1000, 25],
    ]);
    expect(timeOfPosition(a, 2, 100, 500)).toBe(15);
    expect(timeOfPosition(a, 2, 100, 1000)).toBe(25);
    expect(timeOfPosition(a, 2, 100, 1100)).toBe(26);
    expect(positionAtTime(a, 2, 100, 15)).toBe(500);
    expect(positionAtTime(a, 2, 100, 26)).toBe(1100);
  });

  it('maps a time inside a gap to the first sample after it', () => {
    const a = anchors(4, [
      [0, 10],
      [1000, 25],
    ]);
    expect(positionAtTime(a, 2, 100, 22)).toBe(1000);
  });

  it('extrapolates before the oldest anchor still held once the ring wrapped', () => {
    const pairs: [number, number][] = [];
    for (let n = 0; n < 7; n++) pairs.push([n * 100, n * 10]);
    const a = anchors(3, pairs);
    // Anchors 4, 5, 6 are held: (400, 40), (500, 50), (600, 60).
    expect(timeOfPosition(a, 7, 10, 350)).toBe(35);
    expect(positionAtTime(a, 7, 10, 35)).toBe(350);
    expect(timeOfPosition(a, 7, 10, 550)).toBe(55);
  });
});
