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
}

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
