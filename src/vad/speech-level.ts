/**
 * Short-term levels of the audio the endpointer sees, and its noise floor: what the speech-end estimate
 * needs to place the end of speech inside a frame. Pure (no DOM, no clock); allocation-free after
 * construction.
 */

/** Level given to digital silence and anything quieter, in dBFS: below it, a block is silence for sure. */
export const LEVEL_FLOOR_DB = -80;

/** Time constant with which the noise floor rises towards a louder silence, in seconds (it falls at once). */
const FLOOR_RISE_SECONDS = 0.3;

/** Most blocks of one frame used to move the floor (their median). */
const MAX_FLOOR_BLOCKS = 32;

/**
 * Levels (mean power in dBFS) of consecutive blocks of `blockSamples` samples, counted from the first
 * sample seen, in a ring that keeps the last `capacity` blocks; and a noise floor that follows the
 * silent frames (the median block level of each, falling at once, rising slowly).
 */
export class LevelTrack {
  /** Samples per block. */
  readonly blockSamples: number;
  readonly #levels: Float32Array;
  readonly #scratch = new Float32Array(MAX_FLOOR_BLOCKS);
  /** Position of block 0; the next block to measure. */
  #origin = 0;
  #next = 0;
  #started = false;
  #floorDb = LEVEL_FLOOR_DB;
  #floorKnown = false;

  /**
   * @param blockSamples samples per block (e.g. 64: 4 ms at 16 kHz)
   * @param capacity blocks kept (the look-back of {@link lastLoudEnd})
   */
  constructor(blockSamples: number, capacity: number) {
    this.blockSamples = blockSamples;
    this.#levels = new Float32Array(capacity);
  }

  /** The noise floor, in dBFS: {@link LEVEL_FLOOR_DB} until a silent frame was seen, then that frame's level. */
  get floorDb(): number {
    return this.#floorDb;
  }

  /** Forgets the levels and the floor (a new stream). */
  reset(): void {
    this.#started = false;
    this.#next = 0;
    this.#floorDb = LEVEL_FLOOR_DB;
    this.#floorKnown = false;
  }

  /**
   * Measures the blocks that lie wholly inside `samples` (which start at absolute position `pos`) and were
   * not measured yet. Frames may overlap; a block that straddles two frames that do not overlap enough is
   * skipped (unknown, taken as loud).
   */
  add(samples: Float32Array, pos: number): void {
    const b = this.blockSamples;
    if (!this.#started) {
      this.#started = true;
      this.#origin = pos;
      this.#next = 0;
    }
    const end = pos + samples.length;
    let k = Math.max(this.#next, Math.ceil((pos - this.#origin) / b));
    for (; this.#origin + (k + 1) * b <= end; k++) {
      const from = this.#origin + k * b - pos;
      let sum = 0;
      for (let i = from; i < from + b; i++) {
        const v = samples[i] ?? 0;
        sum += v * v;
      }
      const db = sum > 0 ? 10 * Math.log10(sum / b) : LEVEL_FLOOR_DB;
      this.#levels[k % this.#levels.length] = Math.max(LEVEL_FLOOR_DB, db);
    }
    this.#next = Math.max(this.#next, k);
  }

  /**
   * A frame covering `[from, to)` was silent: moves the floor towards the median level of its blocks
   * (at once when lower or for the first silent frame, with a {@link FLOOR_RISE_SECONDS} time constant
   * over `seconds` when higher).
   */
  silent(from: number, to: number, seconds: number): void {
    const n = this.#collect(from, to);
    if (n === 0) return;
    const s = this.#scratch;
    // Insertion sort of at most MAX_FLOOR_BLOCKS values: no allocation.
    for (let i = 1; i < n; i++) {
      const v = s[i] ?? 0;
      let j = i - 1;
      while (j >= 0 && (s[j] ?? 0) > v) {
        s[j + 1] = s[j] ?? 0;
        j--;
      }
      s[j + 1] = v;
    }
    const median = s[(n - 1) >> 1] ?? LEVEL_FLOOR_DB;
    if (!this.#floorKnown || median <= this.#floorDb) this.#floorDb = median;
    else this.#floorDb += Math.min(1, seconds / FLOOR_RISE_SECONDS) * (median - this.#floorDb);
    this.#floorKnown = true;
  }

  /**
   * End position of the last block inside `[from, to)` whose level is at least the floor plus `marginDb`;
   * a block no longer (or not) measured counts as loud. `null` when every block there is quiet.
   */
  lastLoudEnd(from: number, to: number, marginDb: number): number | null {
    const b = this.blockSamples;
    const threshold = this.#floorDb + marginDb;
    const first = Math.ceil((from - this.#origin) / b);
    for (let k = Math.floor((to - this.#origin) / b) - 1; k >= first; k--) {
      if (!this.#known(k) || (this.#levels[k % this.#levels.length] ?? 0) >= threshold) {
        return this.#origin + (k + 1) * b;
      }
    }
    return null;
  }

  /**
   * Level, in dBFS, of the second-loudest known block inside `[from, to)`: a sound must last two blocks
   * (8 ms of 4 ms blocks) to count, so a click or a tap on the mic does not. {@link LEVEL_FLOOR_DB} when
   * fewer than two blocks there are known. Allocation-free.
   */
  secondLoudestDb(from: number, to: number): number {
    const n = this.#collect(from, to);
    let first = LEVEL_FLOOR_DB;
    let second = LEVEL_FLOOR_DB;
    for (let i = 0; i < n; i++) {
      const v = this.#scratch[i] ?? LEVEL_FLOOR_DB;
      if (v > first) {
        second = first;
        first = v;
      } else if (v > second) second = v;
    }
    return n < 2 ? LEVEL_FLOOR_DB : second;
  }

  #known(k: number): boolean {
    return this.#started && k >= 0 && k < this.#next && k >= this.#next - this.#levels.length;
  }

  /** Copies the known levels of the blocks inside `[from, to)` (at most MAX_FLOOR_BLOCKS) into the scratch. */
  #collect(from: number, to: number): number {
    const b = this.blockSamples;
    let n = 0;
    const last = Math.floor((to - this.#origin) / b) - 1;
    for (let k = Math.max(Math.ceil((from - this.#origin) / b), last - MAX_FLOOR_BLOCKS + 1); k <= last; k++) {
      if (this.#known(k)) this.#scratch[n++] = this.#levels[k % this.#levels.length] ?? 0;
    }
    return n;
  }
}
