/**
 * Options of the {@link Endpointer}: every threshold with its unit and default, and their validation.
 * Pure data; no DOM.
 */

/**
 * Endpointing parameters. All are optional; {@link ENDPOINTER_DEFAULTS} fills the gaps.
 *
 * A frame is one probability: `frameSamples` samples, a new one every `hopSamples` (frames overlap when
 * `hopSamples < frameSamples`). Decisions are taken at the end of a frame, so durations are met at the end
 * of the first frame where they hold: at most one hop (16 ms for the VAD) after the exact instant.
 */
export interface EndpointerOptions {
  /**
   * Speech probability (0–1) at or above which a frame is a speech frame: it counts towards onset
   * confirmation and towards `minSpeechMs`, and it resets the silence count. Default `0.5`.
   */
  positiveThreshold?: number;
  /**
   * Speech probability (0–1) below which a frame is a silent frame (hysteresis; must be
   * <= `positiveThreshold`). Frames in between are neutral: they neither confirm an onset nor break
   * one, and do not count as silence; right after speech they extend the speech (Silero's decaying
   * tail). Default `0.35`.
   */
  negativeThreshold?: number;
  /**
   * Speech frames needed to confirm an onset (and a resumption after `turn_ending`), in frames, with no
   * silent frame in between. A click or noise burst shorter than this never starts a turn. The onset
   * reported is still the FIRST frame of the run; confirmation costs latency of the decision only.
   * Integer >= 1. Default `3` (96 ms of frames at 16 kHz / 512 samples without overlap).
   */
  minSpeechFrames?: number;
  /**
   * Pre-roll kept before the onset, in milliseconds: the turn's audio range starts this long before the
   * first speech frame, clamped to the start of the stream and to the end of the previous turn.
   * Default `300` (the OpenAI `prefix_padding_ms` default).
   */
  prefixPaddingMs?: number;
  /**
   * Silence after which `turn_ending` is emitted, in milliseconds: a speculative hint that lets a server
   * start its response early. Cancelled by `turn_resumed` if speech comes back. Never emitted when it
   * rounds to as many frames as `silenceMs` or more; `Infinity` disables it. Default `160` (5 frames).
   */
  turnEndingMs?: number;
  /**
   * Silence that ends a turn (`turn_end`), in milliseconds, counted from the speech end (see
   * `endLookbackMs`) to the end of the deciding frame, which must be silent; neutral frames in the pause
   * do not count (each adds one hop). Default `500` (the OpenAI `silence_duration_ms` default);
   * conversational apps often use 200–300.
   */
  silenceMs?: number;
  /**
   * Minimum speech in a turn, in milliseconds: speech frames (>= `positiveThreshold`) times the hop. A
   * turn with less ends with `misfire` instead of `turn_end`. Default `160` (short enough for a curt "no").
   */
  minSpeechMs?: number;
  /**
   * Longest turn, in milliseconds from the onset; reaching it forces `turn_end` with reason
   * `'max_length'`. If the user is still speaking, the next turn starts after `minSpeechFrames` and its
   * pre-roll begins exactly where this turn ended, so no audio is lost. `Infinity` disables it.
   * Default `30000`.
   */
  maxTurnMs?: number;
  /** Sample rate of the frames and of every sample position, in Hz. Default `16000`. */
  sampleRate?: number;
  /** Samples per frame (one probability per frame). Integer >= 1. Default `512` (Silero v5 at 16 kHz). */
  frameSamples?: number;
  /**
   * Samples from one frame's start to the next one's (integer, 1..`frameSamples`). Default: `frameSamples`
   * (no overlap). The VAD runs Silero every 256 samples (16 ms) on 512-sample frames.
   */
  hopSamples?: number;
  /**
   * How far before the end of the last voiced frame the speech end may be placed, in milliseconds.
   * A recurrent model's probability decays over a frame or more after speech stops; the speech end is put
   * at the last voiced frame still near the peak probability (see `speech-end.ts`), then, when the
   * endpointer is given the samples, at the last 4 ms block clearly above the noise floor. `0` disables
   * it: the speech end is then the end of the last voiced frame. Default `96`.
   */
  endLookbackMs?: number;
}

/** The options with every default applied. */
export type ResolvedEndpointerOptions = Readonly<Required<EndpointerOptions>>;

/** The defaults of every option. */
export const ENDPOINTER_DEFAULTS: ResolvedEndpointerOptions = Object.freeze({
  positiveThreshold: 0.5,
  negativeThreshold: 0.35,
  minSpeechFrames: 3,
  prefixPaddingMs: 300,
  turnEndingMs: 160,
  silenceMs: 500,
  minSpeechMs: 160,
  maxTurnMs: 30_000,
  sampleRate: 16_000,
  frameSamples: 512,
  // `frameSamples` when not given (see resolveEndpointerOptions).
  hopSamples: 512,
  endLookbackMs: 96,
});

/**
 * Applies the defaults and validates. Throws a `RangeError` naming the option when one is out of range:
 * a programming error, caught at construction rather than on the audio path.
 */
export function resolveEndpointerOptions(options: EndpointerOptions = {}): ResolvedEndpointerOptions {
  const merged = { ...ENDPOINTER_DEFAULTS, ...options };
  const o: ResolvedEndpointerOptions = { ...merged, hopSamples: options.hopSamples ?? merged.frameSamples };
  check('positiveThreshold', o.positiveThreshold, o.positiveThreshold >= 0 && o.positiveThreshold <= 1);
  check('negativeThreshold', o.negativeThreshold, o.negativeThreshold >= 0 && o.negativeThreshold <= 1);
  if (o.negativeThreshold > o.positiveThreshold) {
    throw new RangeError(
      `negativeThreshold (${o.negativeThreshold}) must not exceed positiveThreshold (${o.positiveThreshold})`,
    );
  }
  check('minSpeechFrames', o.minSpeechFrames, Number.isInteger(o.minSpeechFrames) && o.minSpeechFrames >= 1);
  check('prefixPaddingMs', o.prefixPaddingMs, Number.isFinite(o.prefixPaddingMs) && o.prefixPaddingMs >= 0);
  check('turnEndingMs', o.turnEndingMs, o.turnEndingMs >= 0);
  check('silenceMs', o.silenceMs, Number.isFinite(o.silenceMs) && o.silenceMs > 0);
  check('minSpeechMs', o.minSpeechMs, Number.isFinite(o.minSpeechMs) && o.minSpeechMs >= 0);
  check('maxTurnMs', o.maxTurnMs, o.maxTurnMs > 0);
  check('sampleRate', o.sampleRate, Number.isFinite(o.sampleRate) && o.sampleRate > 0);
  check('frameSamples', o.frameSamples, Number.isInteger(o.frameSamples) && o.frameSamples >= 1);
  check(
    'hopSamples',
    o.hopSamples,
    Number.isInteger(o.hopSamples) && o.hopSamples >= 1 && o.hopSamples <= o.frameSamples,
  );
  check('endLookbackMs', o.endLookbackMs, Number.isFinite(o.endLookbackMs) && o.endLookbackMs >= 0);
  return Object.freeze(o);
}

/**
 * Whole frames needed to cover `ms` (rounded up, at least `min`). The small tolerance keeps exact
 * multiples such as 96 ms / 32 ms from rounding up through floating-point error.
 */
export function msToFrames(ms: number, frameMs: number, min = 0): number {
  if (ms === Infinity) return Infinity;
  return Math.max(min, Math.ceil(ms / frameMs - 1e-9));
}

function check(name: keyof EndpointerOptions, value: number, ok: boolean): void {
  // NaN fails every comparison above, so it is rejected here too.
  if (!ok) throw new RangeError(`invalid endpointer option ${name}: ${value}`);
}
