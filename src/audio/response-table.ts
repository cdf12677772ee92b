/**
 * Per-response bookkeeping of the jitter buffer, in fixed slots (typed arrays indexed by slot): state,
 * timeline position, played samples, timing. Ids are finite numbers chosen by the caller. When a new id
 * needs a slot and none is free, the least recently claimed finished one (drained or cancelled, nothing
 * queued) is forgotten. Allocated in the constructor; no method allocates.
 */

/** States of a slot. */
export const ResponseState = {
  free: 0,
  /** Receiving chunks. */
  open: 1,
  /** `end()` was called: no more chunks are expected, it drains. */
  ended: 2,
  /** Drained: every sample played. Later chunks are late. */
  done: 3,
  /** Cancelled or flushed: queued and later chunks are dropped. */
  cancelled: 4,
} as const;

export class ResponseTable {
  /** Response id per slot (NaN when free). */
  readonly id: Float64Array;
  /** {@link ResponseState} per slot. */
  readonly state: Uint8Array;
  /** 1 once the first sample played (the `started` event fired). */
  readonly started: Uint8Array;
  /** End of the timeline received so far, in samples (the default offset of the next chunk). */
  readonly received: Float64Array;
  /** Timeline position reached by playback, in samples (played, dropped and gap samples). */
  readonly position: Float64Array;
  /** Samples played. */
  readonly heard: Float64Array;
  /** Earliest `arrival - media time` seen, ms (see `ArrivalDelayEstimator.referenceMs`). */
  readonly reference: Float64Array;
  /** Samples of underrun silence not yet won back by catch-up. */
  readonly owed: Float64Array;
  readonly #age: Float64Array;
  #clock = 0;

  /** @param size slots, i.e. responses tracked at once. */
  constructor(size: number) {
    const f64 = (): Float64Array => new Float64Array(size);
    this.id = f64().fill(NaN);
    this.state = new Uint8Array(size);
    this.started = new Uint8Array(size);
    this.received = f64();
    this.position = f64();
    this.heard = f64();
    this.reference = f64();
    this.owed = f64();
    this.#age = f64();
  }

  /** Slot of response `id`, or -1. */
  find(id: number): number {
    for (let s = 0; s < this.id.length; s++) if (this.id[s] === id) return s;
    return -1;
  }

  /**
   * Slot of response `id`, claiming one for a new id (state `open`, counters zeroed): a free slot, else
   * the least recently claimed slot that is finished and for which `busy(slot)` is false. -1 when `id` is
   * not finite or no slot can be claimed.
   */
  claim(id: number, busy: (slot: number) => boolean): number {
    if (!Number.isFinite(id)) return -1;
    let pick = -1;
    for (let s = 0; s < this.id.length; s++) {
      if (this.id[s] === id) return s;
      const st = this.state[s];
      const reusable =
        st === ResponseState.free || ((st === ResponseState.done || st === ResponseState.cancelled) && !busy(s));
      if (reusable && (pick < 0 || (this.#age[s] ?? 0) < (this.#age[pick] ?? 0))) pick = s;
    }
    if (pick < 0) return -1;
    this.id[pick] = id;
    this.state[pick] = ResponseState.open;
    this.started[pick] = 0;
    this.received[pick] = this.position[pick] = this.heard[pick] = this.reference[pick] = this.owed[pick] = 0;
    this.#age[pick] = ++this.#clock;
    return pick;
  }
}

/** Adds `delta` to `field[slot]`. */
export function addTo(field: Float64Array, slot: number, delta: number): void {
  field[slot] = (field[slot] ?? 0) + delta;
}
