/**
 * Where speech ended, to the block: the endpointer counts `silenceMs` from here. Pure (no DOM, no clock);
 * allocation-free after construction.
 *
 * A recurrent VAD such as Silero remembers speech for a frame or more after it stopped (more in noise):
 * its probability decays over the frames after the true end instead of dropping. The end of the last
 * voiced frame therefore lags the true end by ~30–110 ms. Two corrections, both bounded by `lookbackSamples`
 * before the end of the last voiced frame:
 * 1. decay: the end of the last voiced frame whose probability is at least {@link DECAY_RATIO} of the
 *    highest probability of the voiced frames in the look-back (the frames after it are the decay);
 * 2. level (when the endpointer is given the samples; the floor follows the silent frames): before that,
 *    the end of the last 4 ms block at least {@link LOUD_MARGIN_DB} above the noise floor (a tail masked
 *    by noise is not speech); but never before the last block at least {@link SPEECH_MARGIN_DB} above it
 *    (a quiet last syllable the model was unsure of is still speech).
 */
import { LevelTrack } from './speech-level.ts';

/** A voiced frame below this fraction of the look-back's highest probability is taken as decay. */
export const DECAY_RATIO = 0.9;

/** A block is still speech when it is at least this much above the noise floor, in dB. */
export const LOUD_MARGIN_DB = 8;

/** A block this much above the noise floor is speech whatever the model's probability, in dB. */
export const SPEECH_MARGIN_DB = 20;

/** Duration of a level block, in seconds (4 ms). */
const BLOCK_SECONDS = 0.004;

/** Geometry and bounds of a {@link SpeechEnd}. */
export interface SpeechEndOptions {
  readonly sampleRate: number;
  readonly frameSamples: number;
  readonly hopSamples: number;
  /** How far before the end of the last voiced frame the estimate may go, in samples; 0 disables it. */
  readonly lookbackSamples: number;
}

/** The speech-end estimate of one stream: feed it every frame's audio, voiced frames and silent frames. */
export class SpeechEnd {
  readonly #o: SpeechEndOptions;
  readonly #levels: LevelTrack;
  readonly #p: Float32Array;
  readonly #end: Float64Array;
  #count = 0;
  #runStart = 0;
  #withAudio = false;

  constructor(options: SpeechEndOptions) {
    this.#o = options;
    const block = Math.max(1, Math.round(BLOCK_SECONDS * options.sampleRate));
    const span = options.lookbackSamples + 2 * options.frameSamples;
    this.#levels = new LevelTrack(block, Math.ceil(span / block) + 1);
    const voiced = Math.ceil(options.lookbackSamples / options.hopSamples) + 2;
    this.#p = new Float32Array(voiced);
    this.#end = new Float64Array(voiced);
  }

  /** The noise floor of the audio seen, in dBFS. */
  get floorDb(): number {
    return this.#levels.floorDb;
  }

  /** Forgets everything (a new stream). */
  reset(): void {
    this.#levels.reset();
    this.#count = 0;
    this.#withAudio = false;
  }

  /** The samples of a frame starting at `pos` (every frame, before its probability is used). */
  audio(samples: Float32Array, pos: number): void {
    this.#withAudio = true;
    this.#levels.add(samples, pos);
  }

  /**
   * How much louder than the noise floor `[from, to)` is, in dB: its second-loudest block (a click does
   * not count) over the floor of the silent frames so far.
   */
  riseDb(from: number, to: number): number {
    return this.#levels.secondLoudestDb(from, to) - this.#levels.floorDb;
  }

  /** A silent frame ending at `end`: the noise floor follows it. */
  silent(end: number): void {
    const o = this.#o;
    if (this.#withAudio) this.#levels.silent(end - o.hopSamples, end, o.hopSamples / o.sampleRate);
  }

  /**
   * A voiced frame of a turn, with its probability and end position; `first` for the turn's first one.
   * Voiced frames on both sides of a short silent frame are one run: with overlapping frames, two
   * recurrent states decay at different speeds and alternate around the threshold.
   */
  voiced(probability: number, end: number, first: boolean): void {
    if (first) {
      this.#count = 0;
      this.#runStart = end - this.#o.frameSamples;
    }
    const i = this.#count++ % this.#p.length;
    this.#p[i] = probability;
    this.#end[i] = end;
  }

  /**
   * The estimated end of speech for the voiced run whose last frame ends at `lastVoicedEnd`: never after
   * it, never more than `lookbackSamples` before it, never before the run's first frame.
   */
  estimate(lastVoicedEnd: number): number {
    const o = this.#o;
    if (o.lookbackSamples <= 0 || this.#count === 0) return lastVoicedEnd;
    const lower = Math.max(lastVoicedEnd - o.lookbackSamples, this.#runStart);
    const n = Math.min(this.#count, this.#p.length);
    let peak = 0;
    for (let k = 0; k < n; k++) {
      const i = (this.#count - 1 - k) % this.#p.length;
      if ((this.#end[i] ?? 0) < lower) break;
      peak = Math.max(peak, this.#p[i] ?? 0);
    }
    let decay = lastVoicedEnd;
    for (let k = 0; k < n; k++) {
      const i = (this.#count - 1 - k) % this.#p.length;
      const end = this.#end[i] ?? 0;
      if (end < lower) break;
      decay = end;
      if ((this.#p[i] ?? 0) >= DECAY_RATIO * peak) break;
    }
    if (!this.#withAudio) return decay;
    const quiet = this.#levels.lastLoudEnd(lower, decay, LOUD_MARGIN_DB) ?? lower;
    const loud = this.#levels.lastLoudEnd(lower, lastVoicedEnd, SPEECH_MARGIN_DB) ?? lower;
    return Math.max(quiet, loud);
  }
}
