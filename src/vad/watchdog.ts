/**
 * A watchdog for the VAD worker (main thread): the worker sends stats every `statsIntervalMs`, so a worker
 * that says nothing for several periods is hung (a busy loop, a deadlock in the runtime).
 */

/** A worker that sends nothing for this long (while stats are on) is considered hung, in ms. */
const WATCHDOG_MIN_MS = 5000;

/** Calls `onHung` when nothing was {@link heard} for max(5 s, 5 periods); checks once per period. */
export class Watchdog {
  readonly #onHung: (silentMs: number) => void;
  #timer: ReturnType<typeof setInterval> | null = null;
  #lastHeard = performance.now();

  constructor(onHung: (limitMs: number) => void) {
    this.#onHung = onHung;
  }

  /** The worker said something. */
  heard(): void {
    this.#lastHeard = performance.now();
  }

  /** Starts checking every `periodMs` (no-op when `periodMs <= 0` or already started). */
  start(periodMs: number): void {
    if (periodMs <= 0 || this.#timer !== null) return;
    this.#lastHeard = performance.now();
    const limit = Math.max(WATCHDOG_MIN_MS, 5 * periodMs);
    this.#timer = setInterval(() => {
      if (performance.now() - this.#lastHeard > limit) this.#onHung(limit);
    }, periodMs);
  }

  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }
}
