import {
  msToFrames,
  resolveEndpointerOptions,
  type EndpointerOptions,
  type ResolvedEndpointerOptions,
} from './endpointer-options.ts';
import type { EndpointerEvent, TurnEndReason } from './events.ts';

/** Where the endpointer is: no speech, an onset being confirmed, or inside a turn. */
export type EndpointerPhase = 'idle' | 'onset' | 'turn';

/**
 * Turn endpointing over speech probabilities: a pure state machine, one call per frame, no DOM, no
 * clock of its own (each frame brings its sample position and AudioContext time).
 *
 * Frame classes (see the options): speech (p >= `positiveThreshold`), silent (p < `negativeThreshold`)
 * and neutral (in between; NaN counts as silent).
 * - Onset: a run of `minSpeechFrames` speech frames with no silent frame in between (neutral frames are
 *   allowed) emits `speech_start`, stamped with the first frame of the run.
 * - In a turn, a frame is voiced if it is a speech frame, or a neutral frame not preceded by a silent
 *   frame since the last speech frame. The speech end is the end of the last voiced frame.
 * - Silence is the number of silent frames since the last speech frame. Neutral frames in a pause do
 *   not count, and any speech frame resets it (as in @ricky0123/vad-web, so a pause never ends a turn
 *   earlier than there). `turn_ending` fires at `turnEndingMs`, `turn_end` at `silenceMs`, both rounded
 *   up to whole frames: with a clean pause `turn_end` is decided at `endTime + ceil(silenceMs / 32 ms)`,
 *   i.e. at most one frame after `silenceMs` has elapsed.
 * - After `turn_ending`, speech confirmed like an onset emits `turn_resumed`. A shorter burst emits
 *   nothing but still restarts the silence count (conservative).
 *
 * `process()` allocates nothing unless it returns an event; at most one event per frame.
 */
export class Endpointer {
  /** The options in use, defaults applied. */
  readonly options: ResolvedEndpointerOptions;

  readonly #frameSeconds: number;
  readonly #frameMs: number;
  readonly #silenceFrames: number;
  readonly #endingFrames: number;
  readonly #minSpeechFrames: number;
  readonly #prefixSamples: number;
  readonly #maxTurnSamples: number;

  #phase: EndpointerPhase = 'idle';
  #nextTurnId = 1;
  #streamStart = 0;
  #started = false;
  #prevTurnEnd = -Infinity;
  #lastEndSample = 0;
  #lastEndTime = 0;

  // A run of speech frames being confirmed (onset in 'onset', resumption in 'turn').
  #runSample = 0;
  #runTime = 0;
  #runCount = 0;

  // The current turn.
  #turnId = 0;
  #onsetSample = 0;
  #onsetTime = 0;
  #startSample = 0;
  #startTime = 0;
  #endSample = 0;
  #endTime = 0;
  #speechFrames = 0;
  #silentFrames = 0;
  #ending = false;

  /** Throws a `RangeError` when an option is out of range. */
  constructor(options: EndpointerOptions = {}) {
    const o = resolveEndpointerOptions(options);
    this.options = o;
    this.#frameSeconds = o.frameSamples / o.sampleRate;
    this.#frameMs = this.#frameSeconds * 1000;
    this.#silenceFrames = msToFrames(o.silenceMs, this.#frameMs, 1);
    this.#endingFrames = msToFrames(o.turnEndingMs, this.#frameMs, 1);
    this.#minSpeechFrames = msToFrames(o.minSpeechMs, this.#frameMs);
    this.#prefixSamples = Math.round((o.prefixPaddingMs * o.sampleRate) / 1000);
    this.#maxTurnSamples = (o.maxTurnMs * o.sampleRate) / 1000;
  }

  /** Current phase; `'turn'` between `speech_start` and `turn_end` / `misfire`. */
  get phase(): EndpointerPhase {
    return this.#phase;
  }

  /**
   * Consumes one frame's speech probability. Frames must be consecutive; after a gap, call `reset()`.
   * Allocation-free unless an event is returned.
   *
   * @param probability speech probability of the frame, 0–1
   * @param framePos absolute sample position of the frame's first sample (at `sampleRate`)
   * @param frameTime AudioContext time of the frame's first sample, in seconds
   * @returns the event this frame decided, or `null`
   */
  process(probability: number, framePos: number, frameTime: number): EndpointerEvent | null {
    if (!this.#started) {
      this.#started = true;
      this.#streamStart = framePos;
    }
    const endSample = framePos + this.options.frameSamples;
    const endTime = frameTime + this.#frameSeconds;
    this.#lastEndSample = endSample;
    this.#lastEndTime = endTime;
    const speech = probability >= this.options.positiveThreshold;
    const neutral = !speech && probability >= this.options.negativeThreshold;

    if (this.#phase === 'turn') return this.#inTurn(speech, neutral, framePos, frameTime, endSample, endTime);
    if (speech) {
      if (this.#phase === 'idle') this.#beginRun(framePos, frameTime);
      else this.#runCount++;
      if (this.#runCount >= this.options.minSpeechFrames) return this.#startTurn(endSample, endTime);
    } else if (!neutral) {
      this.#phase = 'idle';
      this.#runCount = 0;
    }
    return null;
  }

  /**
   * Closes the current turn now, at the end of the last processed frame, with reason `'flush'`
   * (`turn_end`, or `misfire` if too short). An onset still being confirmed is dropped. Returns `null`
   * outside a turn. Call it when the audio stops (mute, push-to-talk released, mic ended).
   */
  flush(): EndpointerEvent | null {
    if (this.#phase === 'turn') return this.#finish('flush', this.#lastEndSample, this.#lastEndTime);
    this.#phase = 'idle';
    this.#runCount = 0;
    return null;
  }

  /**
   * Forgets everything but the turn counter (ids stay unique): a new stream starts with the next frame,
   * which becomes the lower bound of the pre-roll. No event is emitted for a turn in progress; call
   * `flush()` first to close it.
   */
  reset(): void {
    this.#phase = 'idle';
    this.#started = false;
    this.#streamStart = 0;
    this.#prevTurnEnd = -Infinity;
    this.#lastEndSample = 0;
    this.#lastEndTime = 0;
    this.#runCount = 0;
    this.#speechFrames = 0;
    this.#silentFrames = 0;
    this.#ending = false;
  }

  #beginRun(framePos: number, frameTime: number): void {
    this.#phase = 'onset';
    this.#runSample = framePos;
    this.#runTime = frameTime;
    this.#runCount = 1;
  }

  #startTurn(decisionSample: number, decisionTime: number): EndpointerEvent {
    const onsetSample = this.#runSample;
    const onsetTime = this.#runTime;
    const floor = Math.max(this.#streamStart, this.#prevTurnEnd);
    const startSample = Math.min(onsetSample, Math.max(onsetSample - this.#prefixSamples, floor));
    const startTime = onsetTime - (onsetSample - startSample) / this.options.sampleRate;
    this.#phase = 'turn';
    this.#turnId = this.#nextTurnId++;
    this.#onsetSample = onsetSample;
    this.#onsetTime = onsetTime;
    this.#startSample = startSample;
    this.#startTime = startTime;
    this.#endSample = decisionSample;
    this.#endTime = decisionTime;
    this.#speechFrames = this.#runCount;
    this.#silentFrames = 0;
    this.#ending = false;
    this.#runCount = 0;
    return {
      type: 'speech_start',
      turnId: this.#turnId,
      decisionTime,
      decisionSample,
      onsetTime,
      onsetSample,
      startSample,
      startTime,
    };
  }

  #inTurn(
    speech: boolean,
    neutral: boolean,
    framePos: number,
    frameTime: number,
    endSample: number,
    endTime: number,
  ): EndpointerEvent | null {
    let resumed = false;
    if (speech) {
      this.#speechFrames++;
      this.#silentFrames = 0;
      this.#endSample = endSample;
      this.#endTime = endTime;
      if (this.#ending) {
        if (this.#runCount === 0) {
          this.#runSample = framePos;
          this.#runTime = frameTime;
        }
        resumed = ++this.#runCount >= this.options.minSpeechFrames;
      }
    } else if (neutral) {
      if (this.#silentFrames === 0) {
        this.#endSample = endSample;
        this.#endTime = endTime;
      }
    } else {
      this.#silentFrames++;
      this.#runCount = 0;
      if (this.#silentFrames >= this.#silenceFrames) return this.#finish('silence', endSample, endTime);
    }
    if (endSample - this.#onsetSample >= this.#maxTurnSamples) return this.#finish('max_length', endSample, endTime);
    if (resumed) {
      this.#ending = false;
      this.#runCount = 0;
      return {
        type: 'turn_resumed',
        turnId: this.#turnId,
        decisionTime: endTime,
        decisionSample: endSample,
        resumeTime: this.#runTime,
        resumeSample: this.#runSample,
      };
    }
    if (!this.#ending && this.#silentFrames >= this.#endingFrames) {
      this.#ending = true;
      return {
        type: 'turn_ending',
        turnId: this.#turnId,
        decisionTime: endTime,
        decisionSample: endSample,
        endTime: this.#endTime,
        endSample: this.#endSample,
      };
    }
    return null;
  }

  #finish(reason: TurnEndReason, decisionSample: number, decisionTime: number): EndpointerEvent {
    this.#phase = 'idle';
    this.#runCount = 0;
    this.#ending = false;
    const misfire = this.#speechFrames < this.#minSpeechFrames;
    if (!misfire) this.#prevTurnEnd = this.#endSample;
    return {
      type: misfire ? 'misfire' : 'turn_end',
      turnId: this.#turnId,
      decisionTime,
      decisionSample,
      reason,
      onsetTime: this.#onsetTime,
      onsetSample: this.#onsetSample,
      startSample: this.#startSample,
      startTime: this.#startTime,
      endTime: this.#endTime,
      endSample: this.#endSample,
      speechMs: this.#speechFrames * this.#frameMs,
    };
  }
}
