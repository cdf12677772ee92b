/** Messages, options and shared layout of the playback worklet and its main-thread node. */
import type { JitterBufferOptions } from './playback-types.ts';

export const PLAYBACK_PROCESSOR = 'sotto-playback';

/** `processorOptions` of the playback worklet. */
export interface PlaybackProcessorOptions {
  jitter: Omit<JitterBufferOptions, 'sampleRate'>;
  /** Shared status block (see {@link PlaybackSlot}); absent when the page is not cross-origin isolated. */
  status?: SharedArrayBuffer;
}

/** Main thread -> worklet. Sample buffers are transferred. */
export type PlaybackCommand =
  | { type: 'push'; id: number; samples: Float32Array }
  | { type: 'end'; id: number }
  | { type: 'cancel'; id: number }
  | { type: 'flush' };

/** Worklet -> main thread: posted only in quanta where something happened (rare), never per quantum. */
export interface PlaybackReport {
  type: 'report';
  /** `PlaybackEvent` bits of this quantum (0 on the periodic counter post of the port path). */
  events: number;
  startedId: number;
  drainedId: number;
  underrunId: number;
  /** Response playing (or last played) and its exact counters at the end of this quantum. */
  currentId: number;
  playedSamples: number;
  playedPosition: number;
  /** Samples heard of the response in `drainedId`, when this quantum drained it. */
  drainedPlayed: number;
  /** Counters of the response that `flush`/`cancel` interrupted in this quantum (-1 when none). */
  interruptedId: number;
  interruptedPlayed: number;
  interruptedPosition: number;
  /** AudioContext frame at the start of this quantum. */
  frame: number;
}

/**
 * Float64 slots of the shared status block, rewritten every quantum (no allocation), so the main thread
 * reads the live played-sample counter without a message.
 */
export const PlaybackSlot = {
  currentId: 0,
  playedSamples: 1,
  playedPosition: 2,
  /** AudioContext frame of the last rendered quantum. */
  frame: 3,
  bufferedSamples: 4,
  targetDelayMs: 5,
} as const;
export const PLAYBACK_SLOTS = 6;
/** Byte offset of the Int32 flush flag after the Float64 slots (1 = flush at the next quantum). */
export const FLUSH_FLAG_BYTE = PLAYBACK_SLOTS * 8;
export const PLAYBACK_STATUS_BYTES = FLUSH_FLAG_BYTE + 8;
