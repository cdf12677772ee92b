/**
 * Layout of the output tap's statistics block (Float64 slots), shared by the worklet that writes it and
 * the main-thread reader. Frame counts are in AudioContext frames; `-1` means "not yet".
 */
export const TapSlot = {
  /** Frames the tap has seen since it started. */
  framesSeen: 0,
  /** Frames whose absolute value exceeded the audibility threshold. */
  audibleFrames: 1,
  /** AudioContext frame (currentFrame-based) of the first audible sample, or -1. */
  firstAudibleFrame: 2,
  /** AudioContext frame of the most recent audible sample, or -1. */
  lastAudibleFrame: 3,
  /** Largest absolute sample value seen. */
  peak: 4,
} as const;

export const TAP_SLOTS = 5;

/** Samples at or below this absolute value (about -60 dBFS) count as silence. */
export const AUDIBLE_THRESHOLD = 0.001;

/** Name under which the worklet registers. */
export const OUTPUT_TAP_PROCESSOR = 'sotto-output-tap';
