// Ground truth of the VAD fixtures: speech segments from the energy of the CLEAN signal (before noise and
// clicks are added), so that noise and clicks cannot move the truth.

/** Energy-based ground truth: window, threshold and gap bridging. */
export const TRUTH = Object.freeze({
  windowMs: 5,
  belowPeakDb: 40,
  floorDb: -60,
  bridgeMs: 150,
  minMs: 30,
  pauseMs: 200,
});

/**
 * Speech segments of a clean signal from its energy: windows of `windowMs` whose RMS is within
 * `belowPeakDb` of the loudest window and above `floorDb`; for a recording (`noisy`), also 15 dB above its
 * noise floor (the quietest 100 ms that is not digital silence). Gaps shorter than `bridgeMs` are bridged,
 * then segments shorter than `minMs` dropped (a lone blip in a recording). Returns sample ranges [start, end).
 * @param {Float32Array} x
 * @param {number} rate
 * @param {boolean} [noisy]
 */
export function energySegments(x, rate, noisy = false, opts = TRUTH) {
  const win = Math.round((opts.windowMs * rate) / 1000);
  const n = Math.floor(x.length / win);
  const db = new Float64Array(n);
  for (let w = 0; w < n; w++) {
    let s = 0;
    for (let i = w * win; i < (w + 1) * win; i++) s += x[i] * x[i];
    db[w] = 10 * Math.log10(s / win + 1e-20);
  }
  let peak = -200;
  for (const d of db) peak = Math.max(peak, d);
  let thr = Math.max(peak - opts.belowPeakDb, opts.floorDb);
  if (noisy) {
    // Noise floor: the quietest 100 ms run of windows that are not digital silence.
    const run = Math.round(100 / opts.windowMs);
    let floor = Infinity;
    for (let w = 0; w + run <= n; w++) {
      let sum = 0;
      let ok = true;
      for (let k = w; k < w + run; k++) {
        if (db[k] < -150) ok = false;
        sum += db[k];
      }
      if (ok) floor = Math.min(floor, sum / run);
    }
    if (Number.isFinite(floor)) thr = Math.max(thr, floor + 15);
  }
  const segs = [];
  for (let w = 0; w < n; w++) {
    if (db[w] < thr) continue;
    const start = w * win;
    const last = segs[segs.length - 1];
    if (last && start - last.endSample < (opts.bridgeMs * rate) / 1000) last.endSample = start + win;
    else segs.push({ startSample: start, endSample: start + win });
  }
  return segs.filter((g) => g.endSample - g.startSample >= (opts.minMs * rate) / 1000);
}
