import { describe, expect, it } from 'vitest';
import { Fader } from './fader.ts';

function expectClose(actual: Float32Array, expected: number[]): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((x, i) => {
    expect(actual[i]).toBeCloseTo(x, 6);
  });
}

describe('Fader', () => {
  it('fades in after silence, out into silence by mirroring the past, and out at the end of a stream', () => {
    const f = new Fader(4);
    const out = new Float32Array(12).fill(1);
    expect(f.fadingIn).toBe(true);
    f.audio(out, 0, 6);
    expectClose(out.subarray(0, 6), [0.2, 0.4, 0.6, 0.8, 1, 1]);
    expect(f.audible).toBe(true);
    out[4] = 0.5;
    out[5] = 0.25;
    f.silence(out, 6, 12);
    // Mirror of 0.25, 0.5, 0.8, 0.6 with gains 3/4, 2/4, 1/4, 0.
    expectClose(out.subarray(6, 12), [0.1875, 0.25, 0.2, 0, 0, 0]);
    expect(f.audible).toBe(false);
    f.remember(out, 12);
    const next = new Float32Array(4).fill(1);
    f.audio(next, 0, 4, 3);
    expect(f.audible).toBe(false);
    expect(next[3]).toBe(0);
  });

  it('mirrors samples of the previous quantum when the fade starts at index 0', () => {
    const f = new Fader(2);
    const a = Float32Array.of(0, 0, 0.5, 1);
    f.audio(a, 0, 0);
    f.remember(a, 4);
    const b = new Float32Array(4);
    f.silence(b, 0, 4);
    expectClose(b, [0.5, 0, 0, 0]);
  });
});
