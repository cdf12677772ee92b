/**
 * How the user's audio reaches the session, for the heartbeat's pong: when its last frame came, and since
 * when frames have come without a gap. The client uses it to tell whether the agent heard the start of a
 * turn (a fresh agent's subscription to the mic can take seconds on a loaded machine).
 */

/** Frames further apart than this (ms) break the run. */
const GAP_MS = 500;

export class MicArrival {
  #last: number | null = null;
  #runFrom = 0;

  /** A frame arrived at `now` (ms, monotonic). */
  frame(now: number): void {
    if (this.#last === null || now - this.#last > GAP_MS) this.#runFrom = now;
    this.#last = now;
  }

  /** What the pong says at `now`: ms since the last frame (-1: none yet), and ms of the run up to it. */
  report(now: number): { 'sotto:audio_age_ms': number; 'sotto:audio_run_ms': number } {
    if (this.#last === null) return { 'sotto:audio_age_ms': -1, 'sotto:audio_run_ms': 0 };
    return {
      'sotto:audio_age_ms': Math.max(0, Math.round(now - this.#last)),
      'sotto:audio_run_ms': Math.round(this.#last - this.#runFrom),
    };
  }
}
