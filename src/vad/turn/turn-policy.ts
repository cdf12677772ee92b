/**
 * The turn-taking policy with an end-of-turn model: a pure core (no I/O, no clock; sample positions in,
 * actions out). The VAD worker's {@link TurnGate} is its shell (audio, model calls, events).
 *
 * - A pause begins at the endpointer's `turn_ending` (its speech end is the pause's start).
 * - At `firstAskMs` of pause the model is asked about the audio up to that instant. "Complete"
 *   (p >= `threshold`) ends the turn now; "incomplete" keeps listening and the model is asked again every
 *   `reaskMs` as the pause grows (one question at a time; an answer that comes after the user resumed, or
 *   after a newer question, is dropped).
 * - The ceiling is the endpointer's own `silenceMs` (set to `ceilingMs`): silence alone ends the turn there.
 * - While the model loads, no question is asked and nothing ends the turn but the ceiling (a pause that is
 *   still open when it is ready gets its question then): no false cut-off because the model came late.
 * - Without a model (it failed, or there is none), the old rule applies: the turn ends at `firstAskMs` of pause.
 */

/** Where the model is: loading (questions wait), ready, or none (the silence rule). */
export type TurnModelState = 'loading' | 'ready' | 'none';

/** Options of the policy (see `TurnDetectorOptions` for the user-facing ones). */
export interface TurnPolicyOptions {
  /** Pause at which the model is first asked (and, without a model, the turn ends), in ms. */
  readonly firstAskMs: number;
  /** Pause added before each further question, in ms. */
  readonly reaskMs: number;
  /** Probability at or above which the turn is complete. */
  readonly threshold: number;
  /** Sample rate of the positions, in Hz. */
  readonly sampleRate: number;
}

/** What the shell must do. */
export type TurnPolicyAction =
  /** Ask the model about the audio `[.., endSample)` of turn `turnId`; answer with `askId`. */
  | {
      readonly type: 'ask';
      readonly turnId: number;
      readonly askId: number;
      readonly endSample: number;
      readonly pauseMs: number;
    }
  /** End turn `turnId` now: the model said complete (`probability`), or no model and the pause is long enough. */
  | {
      readonly type: 'end';
      readonly turnId: number;
      readonly reason: 'model' | 'silence';
      readonly probability: number | null;
    };

/** The endpointer events the policy follows (a subset of their fields). */
export type TurnPolicyEvent =
  | { readonly type: 'speech_start'; readonly turnId: number; readonly startSample: number }
  | { readonly type: 'turn_ending'; readonly turnId: number; readonly endSample: number }
  | { readonly type: 'turn_resumed' | 'turn_end' | 'misfire'; readonly turnId: number };

export class TurnPolicy {
  readonly #o: TurnPolicyOptions;
  readonly #firstAsk: number;
  readonly #reask: number;
  #model: TurnModelState = 'none';
  #turnId = 0;
  #inTurn = false;
  #turnStart = 0;
  /** Speech end of the current pause, or -1 outside a pause. */
  #pauseStart = -1;
  /** Pause (samples) at which the next question is due. */
  #nextAsk = 0;
  #inflight: number | null = null;
  #askSeq = 0;

  constructor(options: TurnPolicyOptions) {
    for (const [k, v] of Object.entries(options)) {
      if (!Number.isFinite(v) || v < 0)
        throw new RangeError(`turn policy: ${k} must be a finite number >= 0, got ${String(v)}`);
    }
    if (options.threshold > 1) throw new RangeError(`turn policy: threshold must be in 0..1, got ${options.threshold}`);
    if (options.reaskMs <= 0) throw new RangeError(`turn policy: reaskMs must be > 0, got ${options.reaskMs}`);
    this.#o = options;
    this.#firstAsk = (options.firstAskMs * options.sampleRate) / 1000;
    this.#reask = (options.reaskMs * options.sampleRate) / 1000;
  }

  /** Where the model is: questions go to it when `'ready'`, wait while `'loading'`, and `'none'` is the silence rule. */
  set model(state: TurnModelState) {
    this.#model = state;
  }

  get model(): TurnModelState {
    return this.#model;
  }

  /** Start of the open turn's audio (pre-roll included): the model sees nothing before it. */
  get turnStart(): number {
    return this.#turnStart;
  }

  /** Follows the endpointer. */
  event(e: TurnPolicyEvent): void {
    switch (e.type) {
      case 'speech_start':
        this.#turnId = e.turnId;
        this.#inTurn = true;
        this.#turnStart = e.startSample;
        this.#endPause();
        return;
      case 'turn_ending':
        if (!this.#inTurn || e.turnId !== this.#turnId) return;
        this.#pauseStart = e.endSample;
        this.#nextAsk = this.#firstAsk;
        return;
      case 'turn_resumed':
        this.#endPause();
        return;
      case 'turn_end':
      case 'misfire':
        this.#inTurn = false;
        this.#endPause();
        return;
    }
  }

  /** After each analysed frame, with the end of that frame: a question (or, without a model, an end) when due. */
  frame(decisionSample: number): TurnPolicyAction | null {
    if (!this.#inTurn || this.#pauseStart < 0) return null;
    const pause = decisionSample - this.#pauseStart;
    if (this.#model === 'loading') return null;
    if (this.#model === 'none') {
      if (pause < this.#firstAsk) return null;
      this.#inTurn = false;
      this.#endPause();
      return { type: 'end', turnId: this.#turnId, reason: 'silence', probability: null };
    }
    if (pause < this.#nextAsk || this.#inflight !== null) return null;
    const pauseMs = (pause * 1000) / this.#o.sampleRate;
    while (this.#nextAsk <= pause) this.#nextAsk += this.#reask;
    this.#inflight = ++this.#askSeq;
    return { type: 'ask', turnId: this.#turnId, askId: this.#inflight, endSample: decisionSample, pauseMs };
  }

  /** The model's answer to question `askId`. */
  answer(askId: number, probability: number): TurnPolicyAction | null {
    if (askId !== this.#inflight) return null;
    this.#inflight = null;
    if (!this.#inTurn || this.#pauseStart < 0) return null;
    if (!(probability >= this.#o.threshold)) return null;
    this.#inTurn = false;
    this.#endPause();
    return { type: 'end', turnId: this.#turnId, reason: 'model', probability };
  }

  /** Question `askId` failed: the model is dropped, the silence rule takes over (at the next frame). */
  failed(askId: number): void {
    if (askId === this.#inflight) this.#inflight = null;
    this.#model = 'none';
  }

  /** Forgets the turn (stream restart). */
  reset(): void {
    this.#inTurn = false;
    this.#endPause();
  }

  #endPause(): void {
    this.#pauseStart = -1;
    this.#inflight = null;
  }
}
