import { positionAtTime, timeOfPosition } from './audio-clock.ts';
import { F_ANCHOR_COUNT, F_NON_FINITE, F_VALID_FROM, F_WRITE_POS, I_SEQ, RingViews } from './ring-storage.ts';

export {
  createRingStorage,
  RingBufferError,
  type RingBufferErrorCode,
  type RingStorageOptions,
} from './ring-storage.ts';

/**
 * A single-producer / single-consumer ring of Float32 samples that keeps the last N seconds of a stream,
 * addressed by absolute sample position (ringbuf.js style: the memory and the objects that use it are separate).
 *
 * ```ts
 * const storage = createRingStorage({ sampleRate: 16000, seconds: 10 }); // main thread
 * const writer = new RingWriter(storage); // in the AudioWorklet
 * const reader = new RingReader(storage); // on the main thread or in a worker
 * ```
 *
 * The write position counts every sample ever written and never wraps (a JS number is exact to 2^53); a
 * sample at position `p` lives at index `p % capacity`. The writer never waits for the reader: it overwrites
 * the oldest samples, and a reader that falls behind loses them, counted in `overrunSamples`.
 *
 * Shared state (write position, oldest valid position, counters, clock anchors) is published under a
 * sequence lock driven by `Atomics` on an Int32 word, so the 64-bit positions are read consistently without
 * BigInt (which would allocate on the audio thread). Works on a SharedArrayBuffer across threads, or on a
 * plain ArrayBuffer when the writer and reader live in the same thread (no cross-origin isolation).
 */

/** Retries of a reader snapshot before it keeps the previous one (a writer preempted mid-publish). */
const MAX_SPINS = 256;

/**
 * The producing side. Exactly one writer per ring. `write()` and `markTime()` run on the audio thread:
 * they never allocate, log, throw or wait.
 */
export class RingWriter {
  /** Samples held, the ring's capacity. */
  readonly capacity: number;
  /** Rate of the samples, in Hz. */
  readonly sampleRate: number;
  readonly #v: RingViews;
  #pos: number;
  #validFrom: number;
  #nonFinite: number;
  #anchorCount: number;
  #anchorPos = 0;
  #anchorTime = 0;

  /** Attaches to a ring; a new writer continues from the position of a previous one. Allocates views. */
  constructor(storage: SharedArrayBuffer | ArrayBuffer) {
    this.#v = new RingViews(storage);
    this.capacity = this.#v.capacity;
    this.sampleRate = this.#v.sampleRate;
    const f = this.#v.f;
    this.#pos = f[F_WRITE_POS] ?? 0;
    this.#validFrom = f[F_VALID_FROM] ?? 0;
    this.#nonFinite = f[F_NON_FINITE] ?? 0;
    this.#anchorCount = f[F_ANCHOR_COUNT] ?? 0;
    if (this.#anchorCount > 0) {
      const at = ((this.#anchorCount - 1) % (this.#v.anchors.length >> 1)) * 2;
      this.#anchorPos = this.#v.anchors[at] ?? 0;
      this.#anchorTime = this.#v.anchors[at + 1] ?? 0;
    }
  }

  /** Absolute position of the next sample to be written (= samples written so far). */
  get position(): number {
    return this.#pos;
  }

  /** Non-finite samples replaced by 0 so far. */
  get nonFiniteCount(): number {
    return this.#nonFinite;
  }

  /**
   * Appends `length` samples of `src` from `offset`; NaN and ±Infinity are stored as 0 and counted. When
   * more than `capacity` samples are given, only the last `capacity` are kept (positions still advance by
   * `length`). Returns the number of samples appended. Audio thread: never allocates, logs, throws or waits.
   */
  write(src: Float32Array, offset = 0, length: number = src.length - offset): number {
    const n = Math.max(0, Math.min(length, src.length - offset));
    if (n === 0) return 0;
    const { capacity, data, h, f } = this.#v;
    const end = this.#pos + n;
    const validFrom = Math.max(this.#validFrom, end - capacity);
    if (validFrom !== this.#validFrom) {
      // Invalidate the samples about to be overwritten before touching them.
      this.#validFrom = validFrom;
      Atomics.add(h, I_SEQ, 1);
      f[F_VALID_FROM] = validFrom;
      Atomics.add(h, I_SEQ, 1);
    }
    const skip = Math.max(0, n - capacity);
    let idx = (this.#pos + skip) % capacity;
    let bad = 0;
    for (let i = offset + skip; i < offset + n; i++) {
      let x = src[i] ?? 0;
      if (x - x !== 0) {
        x = 0;
        bad++;
      }
      data[idx] = x;
      if (++idx === capacity) idx = 0;
    }
    this.#pos = end;
    this.#nonFinite += bad;
    Atomics.add(h, I_SEQ, 1);
    f[F_WRITE_POS] = end;
    f[F_NON_FINITE] = this.#nonFinite;
    Atomics.add(h, I_SEQ, 1);
    return n;
  }

  /**
   * Tells the ring that the next sample written ({@link position}) is at AudioContext time `contextTime`
   * (seconds). Stores an anchor only when this differs from the time predicted by the previous anchor by more
   * than `toleranceSamples` sample periods (default 0.5), so calling it every render quantum is cheap.
   * Returns whether an anchor was stored. Audio thread: never allocates, logs, throws or waits.
   */
  markTime(contextTime: number, toleranceSamples = 0.5): boolean {
    if (!Number.isFinite(contextTime)) return false;
    const predicted = this.#anchorTime + (this.#pos - this.#anchorPos) / this.sampleRate;
    if (this.#anchorCount > 0 && Math.abs(contextTime - predicted) * this.sampleRate <= toleranceSamples) {
      return false;
    }
    const { anchors, h, f } = this.#v;
    const at = (this.#anchorCount % (anchors.length >> 1)) * 2;
    this.#anchorPos = this.#pos;
    this.#anchorTime = contextTime;
    this.#anchorCount++;
    Atomics.add(h, I_SEQ, 1);
    anchors[at] = this.#pos;
    anchors[at + 1] = contextTime;
    f[F_ANCHOR_COUNT] = this.#anchorCount;
    Atomics.add(h, I_SEQ, 1);
    return true;
  }
}

/**
 * The consuming side. Exactly one reader per ring for sequential {@link read}s; {@link readRange} keeps no
 * state. No method allocates, logs or waits, so a reader may also live on an audio thread.
 */
export class RingReader {
  /** Returned by {@link readRange} when part of the range is no longer held. */
  static readonly OVERWRITTEN = -1;
  /** Samples held, the ring's capacity. */
  readonly capacity: number;
  /** Rate of the samples, in Hz. */
  readonly sampleRate: number;
  readonly #v: RingViews;
  readonly #anchors: Float64Array;
  #anchorCount = 0;
  #writePos = 0;
  #validFrom = 0;
  #nonFinite = 0;
  #readPos = 0;
  #lastReadStart = 0;
  #overruns = 0;
  #overrunSamples = 0;

  /** Attaches to a ring and starts reading at its oldest held sample. Allocates. */
  constructor(storage: SharedArrayBuffer | ArrayBuffer) {
    this.#v = new RingViews(storage);
    this.capacity = this.#v.capacity;
    this.sampleRate = this.#v.sampleRate;
    this.#anchors = new Float64Array(this.#v.anchors.length);
    this.#snapshot(false);
    this.#readPos = this.#validFrom;
  }

  /** Position of the next sample {@link read} returns. */
  get position(): number {
    return this.#readPos;
  }

  /** Position of `dest[0]` after the last {@link read}. */
  get lastReadStart(): number {
    return this.#lastReadStart;
  }

  /** Times the writer lapped this reader (each counted once, at the read that found it). */
  get overrunCount(): number {
    return this.#overruns;
  }

  /** Samples this reader lost because the writer overwrote them before they were read. */
  get overrunSamples(): number {
    return this.#overrunSamples;
  }

  /** Position one past the newest written sample. */
  writePosition(): number {
    this.#snapshot(false);
    return this.#writePos;
  }

  /** Position of the oldest sample still held. */
  oldestPosition(): number {
    this.#snapshot(false);
    return this.#validFrom;
  }

  /** Samples written but not yet read sequentially (they may be overwritten before they are). */
  available(): number {
    this.#snapshot(false);
    return Math.max(0, this.#writePos - Math.max(this.#readPos, this.#validFrom));
  }

  /** Non-finite samples the writer replaced by 0. */
  nonFiniteCount(): number {
    this.#snapshot(false);
    return this.#nonFinite;
  }

  /** Moves the sequential read position (to a pre-roll, or to skip ahead). Non-integers are floored. */
  seek(pos: number): void {
    this.#readPos = Math.max(0, Math.floor(pos));
  }

  /**
   * Reads up to `dest.length` samples from {@link position} and advances. If the writer has lapped the
   * reader, the lost samples are counted ({@link overrunCount}, {@link overrunSamples}) and reading resumes at
   * the oldest held sample; {@link lastReadStart} tells where `dest[0]` is. Returns the samples read (0, without
   * moving, in the rare case the writer is preempted mid-publish: read again later).
   */
  read(dest: Float32Array): number {
    this.#snapshot(false);
    let start = this.#readPos;
    if (start < this.#validFrom) {
      this.#lose(this.#validFrom - start);
      start = this.#validFrom;
      this.#readPos = start;
    }
    let n = Math.max(0, Math.min(dest.length, this.#writePos - start));
    this.#copy(start, dest, n);
    if (!this.#snapshot(false)) return 0;
    if (this.#validFrom > start) {
      // The writer overwrote the head of what we copied while we copied it.
      const bad = Math.min(this.#validFrom, start + n) - start;
      this.#lose(bad);
      dest.copyWithin(0, bad, n);
      n -= bad;
      start += bad;
    }
    this.#lastReadStart = start;
    this.#readPos = start + n;
    return n;
  }

  /**
   * Copies the samples at positions `[start, start + dest.length)` into `dest` (`start` is floored) without
   * moving {@link position}. Returns how many were copied from `dest[0]` on (fewer when the range reaches past
   * the newest sample; 0 when it starts there, or when the writer is preempted mid-publish: try again), or {@link RingReader.OVERWRITTEN} when part of the range is
   * older than the oldest held sample, before or during the copy; `dest` is then unspecified.
   */
  readRange(start: number, dest: Float32Array): number {
    const from = Math.floor(start);
    this.#snapshot(false);
    if (from < this.#validFrom) return RingReader.OVERWRITTEN;
    const n = Math.max(0, Math.min(dest.length, this.#writePos - from));
    this.#copy(from, dest, n);
    if (!this.#snapshot(false)) return 0;
    return from < this.#validFrom ? RingReader.OVERWRITTEN : n;
  }

  /** AudioContext time (seconds) of the sample at `pos`; NaN before the writer's first `markTime()`. */
  timeOfPosition(pos: number): number {
    this.#snapshot(true);
    return timeOfPosition(this.#anchors, this.#anchorCount, this.sampleRate, pos);
  }

  /** Position of the sample at AudioContext time `t` (seconds); NaN before the writer's first `markTime()`. */
  positionAtTime(t: number): number {
    this.#snapshot(true);
    return positionAtTime(this.#anchors, this.#anchorCount, this.sampleRate, t);
  }

  #lose(samples: number): void {
    this.#overruns++;
    this.#overrunSamples += samples;
  }

  #copy(from: number, dest: Float32Array, n: number): void {
    const { capacity, data } = this.#v;
    let idx = from % capacity;
    for (let i = 0; i < n; i++) {
      dest[i] = data[idx] ?? 0;
      if (++idx === capacity) idx = 0;
    }
  }

  /**
   * Loads the published state consistently. Returns false, keeping the previous snapshot, when the writer
   * stays mid-publish (preempted between two Atomics operations) for {@link MAX_SPINS} tries.
   */
  #snapshot(withAnchors: boolean): boolean {
    const { h, f, anchors } = this.#v;
    for (let spin = 0; spin < MAX_SPINS; spin++) {
      const seq = Atomics.load(h, I_SEQ);
      if ((seq & 1) !== 0) continue;
      const writePos = f[F_WRITE_POS] ?? 0;
      const validFrom = f[F_VALID_FROM] ?? 0;
      const nonFinite = f[F_NON_FINITE] ?? 0;
      const anchorCount = f[F_ANCHOR_COUNT] ?? 0;
      if (withAnchors) {
        for (let i = 0; i < anchors.length; i++) this.#anchors[i] = anchors[i] ?? 0;
      }
      if (Atomics.load(h, I_SEQ) !== seq) continue;
      this.#writePos = writePos;
      this.#validFrom = validFrom;
      this.#nonFinite = nonFinite;
      if (withAnchors) this.#anchorCount = anchorCount;
      return true;
    }
    return false;
  }
}
