import { describe, expect, it } from 'vitest';
import { Endpointer } from './endpointer.ts';

/** `n` samples at `db` dBFS (RMS): a square wave. */
function level(db: number, n: number): Float32Array {
  const a = 10 ** (db / 20);
  return Float32Array.from({ length: n }, (_, i) => (i % 2 === 0 ? a : -a));
}

describe('Endpointer.riseDb (the barge-in level hint)', () => {
  it("is the newest hop's level over the floor of the silent frames before it", () => {
    const ep = new Endpointer({ frameSamples: 512, hopSamples: 256 });
    const quiet = level(-60, 512);
    for (let k = 0; k < 10; k++) ep.process(0.02, k * 256, (k * 256) / 16_000, quiet);
    expect(ep.riseDb).toBeCloseTo(0, 5);
    // The next frame: its old half is quiet, its newest hop loud (the "S" of "Stop", Silero not sure yet).
    const onset = new Float32Array(512);
    onset.set(level(-60, 256));
    onset.set(level(-25, 256), 256);
    ep.process(0.02, 10 * 256, (10 * 256) / 16_000, onset);
    expect(ep.riseDb).toBeCloseTo(35, 5);
    // Without the samples there is no level.
    ep.process(0.02, 11 * 256, (11 * 256) / 16_000);
    expect(ep.riseDb).toBe(Number.NEGATIVE_INFINITY);
  });
});
