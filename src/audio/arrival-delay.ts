/**
 * Target playout delay from observed arrival jitter, after WebRTC NetEq's delay manager: each chunk's
 * relative delay is how much later it came than the earliest chunk of the stream in the last `windowMs`,
 * once both are placed on the media timeline; a histogram of relative delays with exponential forgetting
 * gives a high quantile, and the target is `minDelayMs` plus that quantile.
 *
 * Pure and allocation-free after construction: `observe()` may run on the audio thread.
 */

/** Settings of {@link ArrivalDelayEstimator}; the jitter buffer validates and documents them. */
export interface ArrivalDelaySettings {
  /** Target floor, ms. */
  minDelayMs: number;
  /** Target ceiling, ms; also the histogram's range. */
  maxDelayMs: number;
  /** Share of chunks (0..1] the target covers. */
  quantile: number;
  /** Forgetting time constant, in ms of received audio. */
  historyMs: number;
  /** Window of the earliest-arrival reference, ms. */
  windowMs: number;
  /** Histogram bucket width, ms. */
  bucketMs: number;
}

/** Arrivals remembered for the reference (a monotonic deque; only rising values are kept). */
const DEQUE = 256;

export class ArrivalDelayEstimator {
  readonly #s: ArrivalDelaySettings;
  readonly #hist: Float64Array;
  #total = 0;
  #target: number;
  readonly #dqTime = new Float64Array(DEQUE);
  readonly #dqValue = new Float64Array(DEQUE);
  #dqHead = 0;
  #dqSize = 0;
  #reference = NaN;

  constructor(settings: ArrivalDelaySettings) {
    this.#s = { ...settings };
    this.#hist = new Float64Array(Math.ceil(settings.maxDelayMs / settings.bucketMs) + 1);
    this.#target = settings.minDelayMs;
  }

  /** Current target delay, ms. */
  get targetMs(): number {
    return this.#target;
  }

  /**
   * Earliest `arrival - media time` of the current stream in the window, ms: a chunk whose media starts at
   * `m` ms would have arrived at `referenceMs + m` on the fastest path. NaN before the first observation.
   */
  get referenceMs(): number {
    return this.#reference;
  }

  /** Starts a new media timeline (a new response): the reference restarts, the histogram is kept. */
  newStream(): void {
    this.#dqHead = this.#dqSize = 0;
    this.#reference = NaN;
  }

  /**
   * Records a chunk whose media starts at `mediaMs` in its stream, lasts `durationMs` and arrived at
   * `arrivalMs`; returns its relative delay in ms and updates the target. Never allocates.
   */
  observe(arrivalMs: number, mediaMs: number, durationMs: number): number {
    const s = this.#s;
    const value = arrivalMs - mediaMs;
    const tv = this.#dqValue;
    const tt = this.#dqTime;
    while (this.#dqSize > 0 && (tv[(this.#dqHead + this.#dqSize - 1) % DEQUE] ?? 0) >= value) this.#dqSize--;
    if (this.#dqSize === DEQUE) this.#pop();
    const back = (this.#dqHead + this.#dqSize) % DEQUE;
    tv[back] = value;
    tt[back] = arrivalMs;
    this.#dqSize++;
    while (this.#dqSize > 1 && (tt[this.#dqHead] ?? 0) < arrivalMs - s.windowMs) this.#pop();
    const reference = tv[this.#dqHead] ?? value;
    this.#reference = reference;
    const delay = value - reference;
    const hist = this.#hist;
    const keep = Math.exp(-Math.max(0, durationMs) / s.historyMs);
    for (let b = 0; b < hist.length; b++) hist[b] = (hist[b] ?? 0) * keep;
    const bucket = Math.min(hist.length - 1, Math.floor(delay / s.bucketMs));
    hist[bucket] = (hist[bucket] ?? 0) + 1 - keep;
    this.#total = this.#total * keep + 1 - keep;
    const need = s.quantile * this.#total * (1 - 1e-9);
    let cum = 0;
    let b = 0;
    while (b < hist.length - 1 && (cum += hist[b] ?? 0) < need) b++;
    this.#target = Math.min(s.maxDelayMs, s.minDelayMs + b * s.bucketMs);
    return delay;
  }

  #pop(): void {
    this.#dqHead = (this.#dqHead + 1) % DEQUE;
    this.#dqSize--;
  }
}
