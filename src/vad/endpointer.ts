import {
  resolveEndpointerOptions,
  type EndpointerOptions,
  type ResolvedEndpointerOptions,
} from './endpointer-options.ts';
import type { EndpointerEvent, TurnEndReason } from './events.ts';
import { SpeechEnd } from './speech-end.ts';

/** Where the endpointer is: no speech, an onset being confirmed, or inside a turn. */
export type EndpointerPhase = 'idle' | 'onset' | 'turn';

/**
 * Turn endpointing over speech probabilities: a pure state machine, one call per frame, no DOM, no
 * clock of its own (each frame brings its sample position and AudioContext time, and optionally its
 * samples).
 *
 * Frame classes (see the options): speech (p >= `positiveThreshold`), silent (p < `negativeThreshold`)
 * and neutral (in between; NaN counts as silent). Frames may overlap (`hopSamples < frameSamples`).
 * - Onset: a run of `minSpeechFrames` speech frames with no silent frame in between (neutral frames are
 *   allowed) emits `speech_start`, stamped with the first frame of the run.
 * - In a turn, a frame is voiced if it is a speech frame, or a neutral frame not preceded by a silent
 *   frame since the last speech frame. At the first silent frame after voiced ones, the speech end is
 *   estimated (`speech-end.ts`): at most `endLookbackMs` before the end of the last voiced frame, where
 *   the model's decaying tail and, given the samples, the audio level say speech stopped.
 * - Silence is the time from the speech end to the end of a silent frame, less one hop per neutral
 *   frame in the pause (a neutral frame is not silence); any voiced frame ends the pause. `turn_ending`
 *   fires at the first silent frame where it reaches `turnEndingMs`, `turn_end` where it reaches
 *   `silenceMs`: at most one hop after the exact instant.
 * - After `turn_ending`, speech confirmed like an onset emits `turn_resumed`. A shorter burst emits
 *   nothing but starts a new pause after it (conservative).
 *
 * `process()` allocates nothing unless it returns an event; at most one event per frame.
 */
export class Endpointer {
  /** The options in use, defaults applied. */
  readonly options: ResolvedEndpointerOptions;

  readonly #frameSeconds: number;
  readonly #hopMs: number;
  readonly #silenceSamples: number;
  readonly #endingSamples: number;
  readonly #minTurnFrames: number;
  readonly #prefixSamples: number;
  readonly #maxTurnSamples: number;
  readonly #speechEnd: SpeechEnd;

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
  /** End of the last voiced frame. */
  #voicedEnd = 0;
  /** Speech end: `#voicedEnd` while voiced, the estimate once a pause began. */
  #endSample = 0;
  #endTime = 0;
  #speechFrames = 0;
  /** A silent frame came after the last voiced frame. */
  #paused = false;
  #neutralInPause = 0;
  #riseDb = Number.NEGATIVE_INFINITY;
  #ending = false;

  /** Throws a `RangeError` when an option is out of range. */
  constructor(options: EndpointerOptions = {}) {
    const o = resolveEndpointerOptions(options);
    this.options = o;
    const samples = (ms: number): number => (ms * o.sampleRate) / 1000;
    this.#frameSeconds = o.frameSamples / o.sampleRate;
    this.#hopMs = (o.hopSamples / o.sampleRate) * 1000;
    this.#silenceSamples = samples(o.silenceMs);
    this.#endingSamples = o.turnEndingMs < o.silenceMs ? samples(o.turnEndingMs) : Infinity;
    this.#minTurnFrames = Math.ceil(o.minSpeechMs / this.#hopMs - 1e-9);
    this.#prefixSamples = Math.round(samples(o.prefixPaddingMs));
    this.#maxTurnSamples = samples(o.maxTurnMs);
    this.#speechEnd = new SpeechEnd({
      sampleRate: o.sampleRate,
      frameSamples: o.frameSamples,
      hopSamples: o.hopSamples,
      lookbackSamples: Math.round(samples(o.endLookbackMs)),
    });
  }

  /**
   * How much louder than the noise floor the newest hop of the last frame was, in dB (its second-loudest
   * 4 ms block over the floor of the silent frames before it; a click does not count): a barge-in hint
   * that comes before Silero's. -Infinity when the frame came without its samples.
   */
  get riseDb(): number {
    return this.#riseDb;
  }

  /** Current phase; `'turn'` between `speech_start` and `turn_end` / `misfire`. */
  get phase(): EndpointerPhase {
    return this.#phase;
  }

  /**
   * Consumes one frame's speech probability. Frames must come in order, `hopSamples` apart; after a gap,
   * call `reset()`. Allocation-free unless an event is returned.
   *
   * @param probability speech probability of the frame, 0–1
   * @param framePos absolute sample position of the frame's first sample (at `sampleRate`)
   * @param frameTime AudioContext time of the frame's first sample, in seconds
   * @param samples the frame's `frameSamples` samples (read, not kept): lets the speech end be placed
   *   by the audio level inside the frame; without them, by the probabilities only
   * @returns the event this frame decided, or `null`
   */
  process(probability: number, framePos: number, frameTime: number, samples?: Float32Array): EndpointerEvent | null {
    if (!this.#started) {
      this.#started = true;
      this.#streamStart = framePos;
    }
    const endSample = framePos + this.options.frameSamples;
    const endTime = frameTime + this.#frameSeconds;
    this.#lastEndSample = endSample;
    this.#lastEndTime = endTime;
    if (samples) {
      this.#speechEnd.audio(samples, framePos);
      this.#riseDb = this.#speechEnd.riseDb(endSample - this.options.hopSamples, endSample);
    } else this.#riseDb = Number.NEGATIVE_INFINITY;
    const speech = probability >= this.options.positiveThreshold;
    const neutral = !speech && probability >= this.options.negativeThreshold;
    if (!speech && !neutral) this.#speechEnd.silent(endSample);

    if (this.#phase === 'turn') {
      return this.#inTurn(probability, speech, neutral, framePos, frameTime, endSample, endTime);
    }
    if (speech) {
      if (this.#phase === 'idle') this.#beginRun(framePos, frameTime);
      else this.#runCount++;
      if (this.#runCount >= this.options.minSpeechFrames) return this.#startTurn(probability, endSample, endTime);
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
   * Ends the current turn now, at the end of the last processed frame, with `reason` (`turn_end`, or
   * `misfire` if too short); the speech end is the pause's start. Returns `null` outside a turn. The turn
   * policy calls it when the end-of-turn model decided (`'model'`), or without a model at its first
   * question (`'silence'`).
   */
  end(reason: TurnEndReason): EndpointerEvent | null {
    if (this.#phase !== 'turn') return null;
    return this.#finish(reason, this.#lastEndSample, this.#lastEndTime);
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
    this.#paused = false;
    this.#neutralInPause = 0;
    this.#ending = false;
    this.#speechEnd.reset();
  }

  /**
   * The audio up to `position` (AudioContext time `time`) will not be analysed: the VAD skipped stale
   * audio to catch up with real time (`catch-up.ts`). A turn in progress goes on across the span, counted
   * as voiced: its audio is in the ring, whether it was speech is unknown, and ending the turn at the skip
   * would cut it. An onset being confirmed is dropped. Frames resume at `position`; call it before them.
   */
  skipTo(position: number, time: number): void {
    this.#speechEnd.reset();
    this.#lastEndSample = position;
    this.#lastEndTime = time;
    this.#runCount = 0;
    if (this.#phase === 'turn') this.#voiced(1, position, time);
    else this.#phase = 'idle';
  }

  #beginRun(framePos: number, frameTime: number): void {
    this.#phase = 'onset';
    this.#runSample = framePos;
    this.#runTime = frameTime;
    this.#runCount = 1;
  }

  #startTurn(probability: number, decisionSample: number, decisionTime: number): EndpointerEvent {
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
    this.#voicedEnd = decisionSample;
    this.#endSample = decisionSample;
    this.#endTime = decisionTime;
    this.#speechFrames = this.#runCount;
    this.#paused = false;
    this.#neutralInPause = 0;
    this.#ending = false;
    this.#runCount = 0;
    this.#speechEnd.voiced(probability, decisionSample, true);
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
    probability: number,
    speech: boolean,
    neutral: boolean,
    framePos: number,
    frameTime: number,
    endSample: number,
    endTime: number,
  ): EndpointerEvent | null {
    let resumed = false;
    let silence = -1;
    if (speech) {
      this.#speechFrames++;
      this.#voiced(probability, endSample, endTime);
      if (this.#ending) {
        if (this.#runCount === 0) {
          this.#runSample = framePos;
          this.#runTime = frameTime;
        }
        resumed = ++this.#runCount >= this.options.minSpeechFrames;
      }
    } else if (neutral) {
      if (this.#paused) this.#neutralInPause++;
      else this.#voiced(probability, endSample, endTime);
    } else {
      this.#runCount = 0;
      if (!this.#paused) {
        this.#paused = true;
        const end = this.#speechEnd.estimate(this.#voicedEnd);
        this.#endSample = end;
        this.#endTime = frameTime + (end - framePos) / this.options.sampleRate;
      }
      silence = endSample - this.#endSample - this.#neutralInPause * this.options.hopSamples;
      if (silence >= this.#silenceSamples) return this.#finish('silence', endSample, endTime);
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
    if (!this.#ending && silence >= this.#endingSamples) {
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

  /** A voiced frame of the turn: the speech goes on to its end (a new run after a pause). */
  #voiced(probability: number, endSample: number, endTime: number): void {
    this.#speechEnd.voiced(probability, endSample, false);
    this.#paused = false;
    this.#neutralInPause = 0;
    this.#voicedEnd = endSample;
    this.#endSample = endSample;
    this.#endTime = endTime;
  }

  #finish(reason: TurnEndReason, decisionSample: number, decisionTime: number): EndpointerEvent {
    this.#phase = 'idle';
    this.#runCount = 0;
    this.#ending = false;
    const misfire = this.#speechFrames < this.#minTurnFrames;
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
      speechMs: this.#speechFrames * this.#hopMs,
    };
  }
}
