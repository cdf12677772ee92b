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
  /**
   * Written by the main thread: the gain the user hears the track at (the playing element's volume,
   * 0 while ducked for barge-in). The `heard*` slots apply it.
   */
  gain: 5,
  /** Frames audible after `gain`. */
  heardFrames: 6,
  /** AudioContext frame of the most recent sample audible after `gain`, or -1. */
  lastHeardFrame: 7,
  /** Written by the main thread: look for the first audible frame at or after this frame (-1: disarmed). */
  armFrame: 8,
  /** First audible frame at or after `armFrame` (-1 until found; the main thread resets it when arming). */
  armedFirstAudibleFrame: 9,
} as const;

export const TAP_SLOTS = 10;

/** Slots the main thread writes; without shared memory they travel as {@link TapControl} messages. */
export type TapControlSlot = typeof TapSlot.gain | typeof TapSlot.armFrame | typeof TapSlot.armedFirstAudibleFrame;

/** A control write posted to the tap when the page is not cross-origin isolated. */
export interface TapControl {
  slot: TapControlSlot;
  value: number;
}

/** Samples at or below this absolute value (about -60 dBFS) count as silence. */
export const AUDIBLE_THRESHOLD = 0.001;

/** Name under which the worklet registers. */
export const OUTPUT_TAP_PROCESSOR = 'sotto-output-tap';
