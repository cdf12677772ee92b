/**
 * Puts the clean fixture's speech on the page's AudioContext clock (pure; used by bench/latency.ts).
 *
 * The page records the mic as the audio graph hears it (16 kHz ring with clock anchors). The fixture is
 * found in that recording in two steps: a coarse offset from 10 ms energy envelopes over the whole run,
 * then, for each utterance, the exact sample offset by cross-correlating the last 300 ms of its speech
 * with the recording around the coarse position (the fake device can slip a few ms over a long run). The
 * recording went through the browser's echo canceller and noise suppressor, so waveforms differ slightly;
 * the correlation peak is what is used, and its strength is reported.
 */

/** A (ring position, AudioContext time) pair. */
export interface Anchor {
  pos: number;
  time: number;
}

/** AudioContext time of ring position `pos`, by linear interpolation between anchors (extrapolated at the ends). */
export function timeAt(anchors: readonly Anchor[], pos: number, rate: number): number {
  if (anchors.length === 0) return Number.NaN;
  let lo = 0;
  let hi = anchors.length - 1;
  const first = anchors[lo];
  const last = anchors[hi];
  if (!first || !last) return Number.NaN;
  if (pos <= first.pos) return first.time - (first.pos - pos) / rate;
  if (pos >= last.pos) return last.time + (pos - last.pos) / rate;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    const m = anchors[mid];
    if (m && m.pos <= pos) lo = mid;
    else hi = mid;
  }
  const a = anchors[lo];
  const b = anchors[hi];
  if (!a || !b || b.pos === a.pos) return (a?.time ?? Number.NaN) + (pos - (a?.pos ?? pos)) / rate;
  return a.time + ((pos - a.pos) / (b.pos - a.pos)) * (b.time - a.time);
}

/** RMS per `hop` samples, in dB (floor -100). */
export function envelopeDb(x: Float32Array, hop: number): Float32Array {
  const n = Math.floor(x.length / hop);
  const out = new Float32Array(n);
  for (let f = 0; f < n; f++) {
    let s = 0;
    for (let i = f * hop; i < (f + 1) * hop; i++) s += (x[i] ?? 0) ** 2;
    out[f] = Math.max(-100, 10 * Math.log10(s / hop + 1e-12));
  }
  return out;
}

/**
 * The offset `o` (in samples, a multiple of `hop`, within `range`) with `recording[i] ≈ fixture[i + o]`,
 * maximising the correlation of the speech masks of the two envelopes (frames above `thresholdDb`).
 */
export function coarseOffset(
  fixture: Float32Array,
  recording: Float32Array,
  hop: number,
  range: { min: number; max: number },
  thresholdDb = -45,
): number {
  const f = envelopeDb(fixture, hop).map((d) => (d > thresholdDb ? 1 : -0.25));
  const r = envelopeDb(recording, hop).map((d) => (d > thresholdDb ? 1 : -0.25));
  let best = -Infinity;
  let bestLag = 0;
  // fixture frame = recording frame + lag, for offsets (samples) within `range`.
  const minLag = Math.max(-r.length + 1, Math.ceil(range.min / hop));
  const maxLag = Math.min(f.length - 1, Math.floor(range.max / hop));
  for (let lag = minLag; lag <= maxLag; lag++) {
    let s = 0;
    const from = Math.max(0, -lag);
    const to = Math.min(r.length, f.length - lag);
    for (let i = from; i < to; i++) s += (r[i] ?? 0) * (f[i + lag] ?? 0);
    if (s > best) {
      best = s;
      bestLag = lag;
    }
  }
  return bestLag * hop;
}

/**
 * Refines where fixture sample range `[start, end)` lies in the recording, near `guess` (the recording
 * index of `start`), within ±`radius` samples. Returns the recording index of `start` and the normalised
 * correlation (1 = identical shape).
 */
export function refine(
  fixture: Float32Array,
  recording: Float32Array,
  start: number,
  end: number,
  guess: number,
  radius: number,
): { at: number; score: number } {
  const len = end - start;
  let fe = 0;
  for (let i = start; i < end; i++) fe += (fixture[i] ?? 0) ** 2;
  let best = -Infinity;
  let bestAt = guess;
  for (let d = -radius; d <= radius; d++) {
    const at = guess + d;
    if (at < 0 || at + len > recording.length) continue;
    let s = 0;
    let re = 0;
    for (let i = 0; i < len; i++) {
      const r = recording[at + i] ?? 0;
      s += r * (fixture[start + i] ?? 0);
      re += r * r;
    }
    const score = s / Math.sqrt(fe * re + 1e-12);
    if (score > best) {
      best = score;
      bestAt = at;
    }
  }
  return { at: bestAt, score: best };
}
