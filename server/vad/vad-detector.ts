/**
 * Server VAD turn logic (OpenAI `server_vad` semantics) as a pure state machine over speech
 * probabilities: one call per model window, positions in input samples, no clock, no I/O.
 *
 * - Speech starts when `minSpeechWindows` consecutive windows reach `threshold`. `audioStart` is the
 *   start of the first of them minus `prefixPadding` (never before `origin`), as in OpenAI's
 *   `audio_start_ms`, which includes the prefix padding.
 * - Speech stops when the probability has stayed below `threshold - hysteresis` for `silence` samples;
 *   `audioEnd` is the end of the window where that happened (it includes the silence, as OpenAI's
 *   `audio_end_ms` does).
 */
export interface VadDetectorOptions {
  /** Speech probability threshold, 0..1 (OpenAI default 0.5). */
  threshold: number;
  /** Samples of audio kept before the speech start (OpenAI default 300 ms). */
  prefixPaddingSamples: number;
  /** Samples of silence that end a turn (OpenAI default 500 ms). */
  silenceSamples: number;
  /** Consecutive speech windows that confirm an onset (guards against clicks). Default 2. */
  minSpeechWindows?: number;
  /** Below `threshold - hysteresis` counts as silence; in between keeps the current state. Default 0.15. */
  hysteresis?: number;
}

export type VadDecision =
  { type: 'speech_started'; audioStart: number; speechStart: number } | { type: 'speech_stopped'; audioEnd: number };

export class VadDetector {
  #opts: Required<VadDetectorOptions>;
  readonly #origin: number;
  #speaking = false;
  #run = 0;
  #runStart = 0;
  #silenceSince: number | null = null;

  constructor(opts: VadDetectorOptions, origin = 0) {
    this.#opts = { minSpeechWindows: 2, hysteresis: 0.15, ...opts };
    this.#origin = origin;
  }

  get speaking(): boolean {
    return this.#speaking;
  }

  /** Feeds the probability of the window [start, end) (input samples). Returns a decision, if one was made. */
  push(prob: number, start: number, end: number): VadDecision | null {
    const o = this.#opts;
    if (!this.#speaking) {
      if (prob >= o.threshold) {
        if (this.#run === 0) this.#runStart = start;
        this.#run++;
        if (this.#run >= o.minSpeechWindows) {
          this.#speaking = true;
          this.#silenceSince = null;
          this.#run = 0;
          const audioStart = Math.max(this.#origin, this.#runStart - o.prefixPaddingSamples);
          return { type: 'speech_started', audioStart, speechStart: this.#runStart };
        }
      } else {
        this.#run = 0;
      }
      return null;
    }
    if (prob < o.threshold - o.hysteresis) {
      this.#silenceSince ??= start;
      if (end - this.#silenceSince >= o.silenceSamples) {
        this.#speaking = false;
        this.#silenceSince = null;
        return { type: 'speech_stopped', audioEnd: end };
      }
    } else if (prob >= o.threshold) {
      this.#silenceSince = null;
    }
    return null;
  }

  /** Forgets any speech in progress (e.g. after input_audio_buffer.clear). */
  reset(): void {
    this.#speaking = false;
    this.#run = 0;
    this.#silenceSince = null;
  }
}
