/**
 * The map between sample positions of a stream and AudioContext time, kept as a small ring of anchors.
 *
 * An anchor says "the sample at absolute position `pos` was at context time `time` (seconds)". Between
 * anchors, time advances by one sample period per sample. A writer stores a new anchor only when the clock
 * it is given no longer matches the prediction from the previous one (start, input gap, dropped quanta),
 * so a steady stream has a single anchor.
 *
 * Layout: `anchors[2 * k]` is the position and `anchors[2 * k + 1]` the time of anchor `k`, for
 * `k = n % slots`, where `n` counts every anchor ever stored (`count`). Positions never decrease from one
 * anchor to the next. All functions are pure, never allocate and may run on the audio thread.
 */

/** Number of anchors held by an anchor array. */
export function anchorSlots(anchors: Float64Array): number {
  return anchors.length >> 1;
}

/**
 * Context time (seconds) of the sample at `pos`, from the newest anchor at or before `pos` (the oldest
 * held anchor when `pos` is older than all of them). NaN when there is no anchor. Never allocates.
 */
export function timeOfPosition(anchors: Float64Array, count: number, sampleRate: number, pos: number): number {
  const slots = anchorSlots(anchors);
  const held = Math.min(count, slots);
  let best = -1;
  for (let n = count - 1; n >= count - held; n--) {
    best = (n % slots) * 2;
    if ((anchors[best] ?? 0) <= pos) break;
  }
  if (best < 0) return NaN;
  return (anchors[best + 1] ?? 0) + (pos - (anchors[best] ?? 0)) / sampleRate;
}

/**
 * Position (rounded to a whole sample) of the sample played or captured at context time `t` (seconds).
 * A time that falls in a gap between anchors (no samples were produced then) maps to the first sample
 * after the gap. NaN when there is no anchor. Never allocates.
 */
export function positionAtTime(anchors: Float64Array, count: number, sampleRate: number, t: number): number {
  const slots = anchorSlots(anchors);
  const held = Math.min(count, slots);
  if (held === 0) return NaN;
  let at = -1;
  let after = -1;
  for (let n = count - 1; n >= count - held; n--) {
    at = (n % slots) * 2;
    if ((anchors[at + 1] ?? 0) <= t) break;
    after = at;
  }
  let pos = (anchors[at] ?? 0) + (t - (anchors[at + 1] ?? 0)) * sampleRate;
  if (after >= 0 && after !== at) pos = Math.min(pos, anchors[after] ?? 0);
  return Math.round(pos);
}
