/**
 * Design of the polyphase windowed-sinc (Kaiser) low-pass used by the resampler. Runs once, in the
 * resampler's constructor (it allocates).
 */

/** Modified Bessel function of the first kind, order 0. */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  for (let k = 1; k < 200 && term > sum * 1e-17; k++) {
    term *= (x / (2 * k)) ** 2;
    sum += term;
  }
  return sum;
}

/** Kaiser window β for a stopband attenuation of `attenuationDb` (Kaiser's empirical formula). */
export function kaiserBeta(attenuationDb: number): number {
  const a = attenuationDb;
  return a > 50 ? 0.1102 * (a - 8.7) : a > 21 ? 0.5842 * (a - 21) ** 0.4 + 0.07886 * (a - 21) : 0;
}

/**
 * Even number of taps a Kaiser-windowed sinc needs for `attenuationDb` of stopband attenuation over a
 * transition `transition` wide, in cycles per sample.
 */
export function kaiserTaps(attenuationDb: number, transition: number): number {
  const length = (attenuationDb - 7.95) / (2.285 * 2 * Math.PI * transition) + 1;
  return 2 * Math.ceil(length / 2);
}

/**
 * Row `r` holds, oldest input first, the taps for fractional delay `r / phases` of an input frame: tap `c`
 * weighs input `newest - (taps - 1 - c)` by `h(r / phases + taps - 1 - c - taps / 2)`. Each row sums to 1.
 */
export function designTable(rows: number, phases: number, taps: number, cutoff: number, beta: number): Float32Array {
  const table = new Float32Array(rows * taps);
  const half = taps / 2;
  const i0beta = besselI0(beta);
  const row = new Float64Array(taps);
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    const base = r * taps;
    for (let c = 0; c < taps; c++) {
      const t = r / phases + (taps - 1 - c) - half;
      const u = t / half;
      const w = Math.abs(u) >= 1 ? 0 : besselI0(beta * Math.sqrt(1 - u * u)) / i0beta;
      const arg = 2 * Math.PI * cutoff * t;
      const h = 2 * cutoff * (t === 0 ? 1 : Math.sin(arg) / arg) * w;
      row[c] = h;
      sum += h;
    }
    for (let c = 0; c < taps; c++) table[base + c] = (row[c] ?? 0) / sum;
  }
  return table;
}
