/**
 * How loud the newest audio is, held for more than a click: the level a barge-in hint looks at before
 * Silero has made up its mind. Pure and allocation-free.
 */
import { LEVEL_FLOOR_DB } from './speech-level.ts';

/** Samples per block (4 ms at 16 kHz). */
export const HOP_LEVEL_BLOCK = 64;

/**
 * Level, in dBFS, of the second-loudest {@link HOP_LEVEL_BLOCK}-sample block of `hop`: a sound must last
 * two blocks (8 ms at 16 kHz) to count, so a click or a tap on the mic does not. {@link LEVEL_FLOOR_DB}
 * for silence or a hop shorter than two blocks.
 */
export function sustainedLevelDb(hop: Float32Array, blockSamples = HOP_LEVEL_BLOCK): number {
  let first = 0;
  let second = 0;
  for (let from = 0; from + blockSamples <= hop.length; from += blockSamples) {
    let sum = 0;
    for (let i = from; i < from + blockSamples; i++) {
      const v = hop[i] ?? 0;
      sum += v * v;
    }
    const power = sum / blockSamples;
    if (power > first) {
      second = first;
      first = power;
    } else if (power > second) second = power;
  }
  return second > 0 ? Math.max(LEVEL_FLOOR_DB, 10 * Math.log10(second)) : LEVEL_FLOOR_DB;
}
