/**
 * The audio a {@link VadClient} keeps for its `port` and `push` sources (main thread): what was given
 * lately, so that a restarted worker can go on from where the old one stopped. The ring source keeps
 * its own history.
 */
import { SILERO_SAMPLE_RATE } from './silero.ts';
import type { SampleChunk } from './types.ts';

/** A chunk kept for replay. */
interface KeptChunk {
  readonly samples: Float32Array;
  readonly position: number;
  readonly time: number;
}

/**
 * The last `limitSamples` samples given (at least the newest chunk), oldest first. Overlapping input
 * (a producer that repeats itself) is trimmed to the new part.
 */
export class SampleHistory {
  readonly #limit: number;
  readonly #chunks: KeptChunk[] = [];
  #samples = 0;
  #tail: number | null = null;

  constructor(limitSamples: number) {
    this.#limit = limitSamples;
  }

  /** Position right after the newest sample given (0 before the first). */
  get nextPosition(): number {
    return this.#tail ?? 0;
  }

  /**
   * Keeps a copy of the part of `samples` (starting at `position`, AudioContext time `time`) that is newer
   * than what was given before; returns that part as a chunk (not the kept copy), or null when nothing
   * is new.
   */
  add(samples: Float32Array, position: number, time: number): SampleChunk | null {
    let s = samples;
    let pos = position;
    let t = time;
    if (this.#tail !== null && pos < this.#tail) {
      // Overlap with what was already given: keep only the new part.
      const skip = Math.min(s.length, this.#tail - pos);
      s = s.subarray(skip);
      pos += skip;
      t += skip / SILERO_SAMPLE_RATE;
    }
    if (s.length === 0) return null;
    this.#tail = pos + s.length;
    this.#chunks.push({ samples: s.slice(), position: pos, time: t });
    this.#samples += s.length;
    while (this.#samples > this.#limit && this.#chunks.length > 1) {
      this.#samples -= this.#chunks.shift()?.samples.length ?? 0;
    }
    return { type: 'samples', samples: s, position: pos, time: t };
  }

  /** Posts the kept audio from `from` (default: all of it) on `port` (copies, transferred); returns the samples posted. */
  replay(port: MessagePort, from: number | null): number {
    let total = 0;
    for (const c of this.#chunks) {
      const skip = from === null ? 0 : Math.max(0, Math.min(c.samples.length, from - c.position));
      if (skip === c.samples.length) continue;
      const samples = c.samples.slice(skip);
      const chunk: SampleChunk = {
        type: 'samples',
        samples,
        position: c.position + skip,
        time: c.time + skip / SILERO_SAMPLE_RATE,
      };
      total += samples.length; // before the transfer detaches it
      port.postMessage(chunk, [samples.buffer]);
    }
    return total;
  }
}
