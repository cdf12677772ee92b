/** Messages and options shared by the capture worklet and its main-thread node. */

export const CAPTURE_PROCESSOR = 'sotto-capture';

/** `processorOptions` of the capture worklet. */
export interface CaptureProcessorOptions {
  /** Ring storage (SharedArrayBuffer) the worklet writes into. Absent: the MessagePort path. */
  storage?: SharedArrayBuffer;
  /** Output rate of the ring, Hz. */
  targetRate: number;
  /** MessagePort path: samples (at `targetRate`) per posted chunk. */
  batchFrames: number;
  /** Measurement hook (see {@link CaptureProbe}); shared path only. */
  probe?: SharedArrayBuffer;
}

/**
 * Layout of the optional capture probe, for latency measurement: after each ring write the worklet stores
 * the ring's write position and `Date.now()` (ms; the only clock an AudioWorklet has that a worker can
 * compare with), then bumps a sequence word and `Atomics.notify`s it, so a consumer worker can wake on
 * new audio instead of polling.
 */
export const CaptureProbe = {
  /** Int32 index of the sequence word. */
  seq: 0,
  /** Float64 index of the write position. */
  position: 1,
  /** Float64 index of the wall-clock time of the write, ms. */
  wallMs: 2,
  bytes: 24,
} as const;

/** Worklet -> main thread, MessagePort path only: one batch of resampled samples. */
export interface CaptureChunkMessage {
  type: 'chunk';
  /** Resampled mono samples; the buffer is transferred. */
  samples: Float32Array;
  /** AudioContext time of `samples[0]`, seconds. */
  time: number;
  /** Non-finite input samples replaced by 0 so far. */
  nonFinite: number;
}
