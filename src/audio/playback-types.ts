import type { ArrivalDelaySettings } from './arrival-delay.ts';
import { isSupportedSampleRate } from './resampler.ts';

/** Public types of the playback core (`JitterBuffer`): error, events, options, counters. */

/** Error codes of {@link JitterBufferError}. */
export type JitterBufferErrorCode = 'unsupported_sample_rate' | 'invalid_option';

/** Thrown by the `JitterBuffer` constructor only. */
export class JitterBufferError extends Error {
  override readonly name = 'JitterBufferError';
  readonly code: JitterBufferErrorCode;

  constructor(code: JitterBufferErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** Bits of the value `pull()` returns. */
export const PlaybackEvent = {
  /** The first sample of a response played (`lastStartedId`). */
  started: 1,
  /** The last sample of a response played (`lastDrainedId`). */
  drained: 2,
  /** Audio of the playing response ran out before it ended (`lastUnderrunId`); once per episode. */
  underrun: 4,
  /** This quantum faded out what `flush()` or `cancel()` interrupted. */
  flushed: 8,
  /** This quantum dropped one quantum of audio to catch up. */
  catchUp: 16,
} as const;

/** Options of `JitterBuffer`. */
export interface JitterBufferOptions {
  /** Rate of pushed and pulled samples in Hz (the AudioContext rate): integer in [8000, 192000]. */
  sampleRate: number;
  /** Audio held at most, in seconds. Default 30. Audio beyond it is dropped and counted (`overflowSamples`). */
  capacitySeconds?: number;
  /** Smallest target delay, in ms. Default 20. */
  minDelayMs?: number;
  /** Largest target delay, in ms. Default 500. */
  maxDelayMs?: number;
  /** Share of chunks (0..1) whose relative delay the target covers. Default 0.95. */
  quantile?: number;
  /** Memory of the delay histogram, in ms of received audio (forgetting time constant). Default 10000. */
  historyMs?: number;
  /** Window in which the earliest arrival is the reference of relative delays, in ms. Default 2000. */
  delayWindowMs?: number;
  /** Width of a histogram bucket, in ms. Default 5. */
  bucketMs?: number;
  /** Audio buffered beyond the target that triggers catch-up, in ms. Default 20. */
  catchUpMarginMs?: number;
  /** Pulls at least between two catch-up drops. Default 8 (at most 1 quantum in 9 dropped). */
  catchUpIntervalQuanta?: number;
  /** Length of fade-ins and fade-outs, in frames; at most `maxPullFrames`. Default 64. */
  fadeFrames?: number;
  /** Largest `out` given to `pull()`, in frames. Default 128 (one render quantum). */
  maxPullFrames?: number;
  /** Responses tracked at once (played, queued, cancelled); older finished ones are forgotten. Default 16. */
  maxResponses?: number;
  /** Queued runs of audio or gap at most. Default 256. */
  maxSegments?: number;
}

/** Counters since construction, updated in place (read them, do not write them). */
export interface JitterBufferStats {
  /** Underrun episodes. */ underruns: number;
  /** Samples of silence played in underruns. */ underrunSamples: number;
  /** Samples dropped by catch-up. */ catchUpSamples: number;
  /** Pushed samples that were NaN or infinite, played as 0. */ nonFiniteSamples: number;
  /** Pushed chunks with no samples. */ emptyChunks: number;
  /** Chunks (and their samples) dropped because their response was cancelled. */ cancelledChunks: number;
  /** @see cancelledChunks */ cancelledSamples: number;
  /** Queued samples discarded by `flush()` or `cancel()`. */ flushedSamples: number;
  /** Chunks (and samples) dropped as duplicates or after their response drained. */ lateChunks: number;
  /** @see lateChunks */ lateSamples: number;
  /** Samples missing from a response's timeline (chunk offsets with a gap), played as silence. */ lostSamples: number;
  /** Lost samples not played as gap because underrun silence had already covered them. */
  concealedLossSamples: number;
  /** Samples dropped because the buffer or its segment queue was full. */ overflowSamples: number;
  /** Chunks refused: response id not finite, or no free response slot. */ rejectedChunks: number;
  /** Chunks whose arrival time was not finite (audio kept, timing ignored). */ badTimestamps: number;
}

/** Options with their defaults applied and checked. */
export interface ResolvedOptions {
  sampleRate: number;
  /** Samples held at most. */
  capacity: number;
  delay: ArrivalDelaySettings;
  catchUpMarginMs: number;
  catchUpIntervalQuanta: number;
  fadeFrames: number;
  maxPullFrames: number;
  maxResponses: number;
  maxSegments: number;
}

/** Applies defaults and checks ranges. @throws JitterBufferError */
export function resolveOptions(options: JitterBufferOptions): ResolvedOptions {
  if (!isSupportedSampleRate(options.sampleRate)) {
    throw new JitterBufferError('unsupported_sample_rate', 'sampleRate must be an integer in [8000, 192000] Hz');
  }
  const o: ResolvedOptions = {
    sampleRate: options.sampleRate,
    capacity: Math.round((options.capacitySeconds ?? 30) * options.sampleRate),
    delay: {
      minDelayMs: options.minDelayMs ?? 20,
      maxDelayMs: options.maxDelayMs ?? 500,
      quantile: options.quantile ?? 0.95,
      historyMs: options.historyMs ?? 10000,
      windowMs: options.delayWindowMs ?? 2000,
      bucketMs: options.bucketMs ?? 5,
    },
    catchUpMarginMs: options.catchUpMarginMs ?? 20,
    catchUpIntervalQuanta: options.catchUpIntervalQuanta ?? 8,
    fadeFrames: options.fadeFrames ?? 64,
    maxPullFrames: options.maxPullFrames ?? 128,
    maxResponses: options.maxResponses ?? 16,
    maxSegments: options.maxSegments ?? 256,
  };
  const d = o.delay;
  const ints = [o.fadeFrames, o.maxPullFrames, o.maxResponses, o.maxSegments, o.capacity, o.catchUpIntervalQuanta];
  const ok =
    ints.every((v) => Number.isInteger(v) && v >= 0) &&
    d.minDelayMs >= 0 &&
    d.maxDelayMs >= d.minDelayMs &&
    d.quantile > 0 &&
    d.quantile <= 1 &&
    d.historyMs > 0 &&
    d.windowMs > 0 &&
    d.bucketMs > 0 &&
    o.catchUpMarginMs >= 0 &&
    o.fadeFrames >= 1 &&
    o.fadeFrames <= o.maxPullFrames &&
    o.maxResponses >= 1 &&
    o.maxSegments >= 2 &&
    o.capacity >= 2 * o.maxPullFrames;
  if (!ok) throw new JitterBufferError('invalid_option', 'a JitterBuffer option is out of range');
  return o;
}

/** Counters all at zero. */
export function emptyStats(): JitterBufferStats {
  return {
    underruns: 0,
    underrunSamples: 0,
    catchUpSamples: 0,
    nonFiniteSamples: 0,
    emptyChunks: 0,
    cancelledChunks: 0,
    cancelledSamples: 0,
    flushedSamples: 0,
    lateChunks: 0,
    lateSamples: 0,
    lostSamples: 0,
    concealedLossSamples: 0,
    overflowSamples: 0,
    rejectedChunks: 0,
    badTimestamps: 0,
  };
}
