/**
 * Events of the endpointer. Plain objects, created only when an event fires (rare), so the per-frame
 * path allocates nothing.
 *
 * Clocks: every `*Time` is in seconds on the AudioContext clock (the clock of the `frameTime` passed to
 * `Endpointer.process`); every `*Sample` is an absolute sample position in the frame stream (the
 * `framePos` passed in, at `sampleRate`). A range `[startSample, endSample)` excludes its end.
 */

/** Why a turn was closed. */
export type TurnEndReason =
  /** `silenceMs` of silence followed the last voiced frame. */
  | 'silence'
  /** The turn reached `maxTurnMs`. */
  | 'max_length'
  /** `Endpointer.flush()` was called (mic stopped, push-to-talk released, session closed). */
  | 'flush'
  /** The end-of-turn model said the turn is complete at a pause (`turn.detector: 'smart-turn'`). */
  | 'model';

/** Fields every event carries. */
export interface EndpointerEventBase {
  /** The turn this event belongs to; 1 for the first turn, +1 at every `speech_start`, never reused. */
  readonly turnId: number;
  /**
   * When the decision could first be made, in seconds (AudioContext clock): the end of the frame whose
   * probability triggered the event. Inference and message latency come on top of it.
   */
  readonly decisionTime: number;
  /** Sample position of the end of that frame (exclusive). */
  readonly decisionSample: number;
}

/**
 * Speech onset confirmed (`minSpeechFrames` speech frames). The onset is the first frame of the
 * confirming run, not the moment of confirmation.
 */
export interface SpeechStartEvent extends EndpointerEventBase {
  readonly type: 'speech_start';
  /** Start of the first speech frame of the confirming run, in seconds (AudioContext clock). */
  readonly onsetTime: number;
  /** Sample position of that frame's first sample. */
  readonly onsetSample: number;
  /**
   * Start of the turn's audio range: `onsetSample` minus `prefixPaddingMs`, clamped to the first frame
   * seen since construction or `reset()` and to the end of the previous turn (no audio twice).
   */
  readonly startSample: number;
  /** `startSample` in seconds (AudioContext clock). */
  readonly startTime: number;
}

/**
 * Speculative end: `turnEndingMs` of silence. A server may start its response on the audio up to
 * `endSample`; `turn_resumed` cancels this, `turn_end` (or `misfire`) confirms it. At most one per pause.
 */
export interface TurnEndingEvent extends EndpointerEventBase {
  readonly type: 'turn_ending';
  /** Speech end so far: end of the last voiced frame, in seconds (AudioContext clock). */
  readonly endTime: number;
  /** Sample position of that end (exclusive). */
  readonly endSample: number;
}

/** Speech came back after `turn_ending` (confirmed like an onset); the pending end is cancelled. */
export interface TurnResumedEvent extends EndpointerEventBase {
  readonly type: 'turn_resumed';
  /** Start of the first speech frame of the resuming run, in seconds (AudioContext clock). */
  readonly resumeTime: number;
  /** Sample position of that frame's first sample. */
  readonly resumeSample: number;
}

/** The whole span of a closed turn. Its audio is `[startSample, endSample)`. */
export interface TurnSpan {
  /** Why the turn was closed. */
  readonly reason: TurnEndReason;
  /** Onset (first speech frame), as in `speech_start`, in seconds (AudioContext clock). */
  readonly onsetTime: number;
  /** Sample position of the onset. */
  readonly onsetSample: number;
  /** Start of the audio range (pre-roll included), as in `speech_start`. */
  readonly startSample: number;
  /** `startSample` in seconds (AudioContext clock). */
  readonly startTime: number;
  /**
   * Speech end: end of the last voiced frame, in seconds (AudioContext clock). The reference for
   * end-of-speech latency metrics. At most one frame (32 ms) after the true end, plus the model's lag.
   */
  readonly endTime: number;
  /** Sample position of the speech end; end of the audio range (exclusive). */
  readonly endSample: number;
  /** Speech frames (>= `positiveThreshold`) in the turn, in milliseconds. */
  readonly speechMs: number;
}

/** The turn is over and long enough: `[startSample, endSample)` is its audio. */
export interface TurnEndEvent extends EndpointerEventBase, TurnSpan {
  readonly type: 'turn_end';
}

/** The turn closed with less than `minSpeechMs` of speech and is discarded (a cough, a click train). */
export interface MisfireEvent extends EndpointerEventBase, TurnSpan {
  readonly type: 'misfire';
}

/** Every event of the endpointer, keyed on `type`. */
export type EndpointerEvent = SpeechStartEvent | TurnEndingEvent | TurnResumedEvent | TurnEndEvent | MisfireEvent;

/** Event name -> payload, for a `TypedEmitter` that re-emits endpointer events. */
export type EndpointerEventMap = { [E in EndpointerEvent as E['type']]: E };
