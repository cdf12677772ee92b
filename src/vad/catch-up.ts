/**
 * When the VAD drops to the present (pure policy; the engine applies it). A real-time VAD whose decisions
 * arrive seconds late is worse than one that skips: a `speech_start` 5 s after the onset starts no barge-in
 * and ends no turn in time. So, like a WebRTC jitter buffer that is too full, it throws the stale part away,
 * analyses from (nearly) now, and says so. The capture ring still holds every sample, so a turn's audio is
 * read back whole at commit (`src/session/turn-audio.ts`); only the model's opinion of the skipped span is
 * missing, and a turn open at the skip stays open across it (the endpointer counts the span as voiced).
 *
 * Two phases:
 * - **Start-up**: the audio captured while the model loaded (the ring keeps it from the first sample, so
 *   the first words are not missed) is worked through as fast as the worker can, as long as that backlog
 *   shrinks. If it grows by more than `skipAfterMs` instead (a busy machine: the worker is slower than real
 *   time), the VAD skips to the present.
 * - **Live** (from the first time the backlog is under half of `skipAfterMs`): a backlog over `skipAfterMs`
 *   skips to the present at once.
 */
export interface CatchUpOptions {
  /** Backlog that makes a live VAD skip to the present, in samples. */
  readonly skipAfterSamples: number;
  /** Audio kept before the present when skipping (a little context for the first frame), in samples. */
  readonly keepSamples: number;
}

/** What {@link CatchUp.check} decided. */
export type CatchUpDecision =
  | { readonly action: 'none' }
  /** The backlog first fell under the live bound: the VAD keeps up with real time from now on. */
  | { readonly action: 'live' }
  /** Skip: read on from `to` (an absolute position), `skipped` samples not analysed. */
  | { readonly action: 'skip'; readonly to: number; readonly skipped: number; readonly phase: 'startup' | 'live' };

export class CatchUp {
  readonly #opts: CatchUpOptions;
  #initial = 0;
  #live = false;
  #skips = 0;
  #skippedSamples = 0;

  constructor(opts: CatchUpOptions) {
    if (!(opts.skipAfterSamples > 0) || !(opts.keepSamples >= 0) || opts.keepSamples >= opts.skipAfterSamples) {
      throw new RangeError(
        `catch-up: need 0 <= keepSamples < skipAfterSamples, got ${String(opts.keepSamples)} and ${String(opts.skipAfterSamples)}`,
      );
    }
    this.#opts = opts;
  }

  /** Whether the VAD has kept up with real time since start-up (or since its last skip). */
  get live(): boolean {
    return this.#live;
  }

  /** Skips so far, and the samples they left unanalysed. */
  get skips(): number {
    return this.#skips;
  }

  get skippedSamples(): number {
    return this.#skippedSamples;
  }

  /** A source was attached with `backlog` samples already waiting (audio kept while the model loaded). */
  attach(backlog: number): void {
    this.#initial = Math.max(0, backlog);
    this.#live = false;
  }

  /**
   * Called before reading (and between frames while catching up).
   *
   * @param position the next sample to analyse
   * @param newest one past the newest sample captured
   * @param lapped whether the ring has just overwritten samples before they were read
   */
  check(position: number, newest: number, lapped = false): CatchUpDecision {
    const behind = Math.max(0, newest - position);
    const { skipAfterSamples, keepSamples } = this.#opts;
    const limit = this.#live ? skipAfterSamples : this.#initial + skipAfterSamples;
    // Lapped: the ring overwrote audio before it was read, so the reader restarted at the oldest sample
    // held, a whole ring behind; working through it would only be lapped again.
    if (behind > limit || (lapped && behind > skipAfterSamples)) {
      const to = newest - keepSamples;
      const skipped = to - position;
      const phase = this.#live ? 'live' : 'startup';
      this.#skips++;
      this.#skippedSamples += skipped;
      // From the present, the VAD is live again (its next frames are fresh).
      this.#live = true;
      return { action: 'skip', to, skipped, phase };
    }
    if (!this.#live && behind <= skipAfterSamples / 2) {
      this.#live = true;
      return { action: 'live' };
    }
    return { action: 'none' };
  }
}
