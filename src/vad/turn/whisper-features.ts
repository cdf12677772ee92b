/**
 * Whisper log-mel features as Smart Turn v3 computes them: a pure core, no I/O.
 *
 * Reproduces pipecat-ai 1.14.0 `_whisper_features.py` (itself `transformers.WhisperFeatureExtractor` with
 * `chunk_length=8`): the last 8 s at 16 kHz (zero-padded at the start, as `local_smart_turn_v3.py` does),
 * zero-mean unit-variance normalisation of the waveform (variance + 1e-7), a centred STFT (reflect padding of
 * 200 samples each side, n_fft 400, hop 160, periodic Hann window), power spectrum, an 80-band Slaney mel
 * filterbank (0–8 kHz, Slaney area normalisation), `log10(max(1e-10, mel))`, the last frame dropped, then
 * `max(x, max(x) - 8)` and `(x + 4) / 4`. Output: 80 × 800 values, mel-major (`[mel][frame]`), the model's
 * `input_features` of shape `[1, 80, 800]`.
 *
 * The tables (window, twiddles, filterbank) are computed once per instance; {@link WhisperFeatures.compute}
 * allocates nothing (every buffer is preallocated). The FFT is a mixed-radix (4·4·5·5) Cooley–Tukey transform
 * in float64, as the reference computes in float64.
 */

/** Sample rate the features expect, in Hz. */
export const WHISPER_SAMPLE_RATE = 16_000;
/** Samples the model sees: 8 s. */
export const SMART_TURN_SAMPLES = 8 * WHISPER_SAMPLE_RATE;
/** FFT size (25 ms). */
export const N_FFT = 400;
/** Hop between frames (10 ms). */
export const HOP = 160;
/** Mel bands. */
export const N_MELS = 80;
/** Frames in the output (the STFT's 801 less the trailing one). */
export const N_FRAMES = SMART_TURN_SAMPLES / HOP;
const N_BINS = N_FFT / 2 + 1;
const PAD = N_FFT / 2;
const MEL_FLOOR = 1e-10;
const VARIANCE_EPS = 1e-7;

function hzToMelSlaney(f: number): number {
  return f >= 1000 ? 15 + Math.log(f / 1000) * (27 / Math.log(6.4)) : (3 * f) / 200;
}

function melToHzSlaney(m: number): number {
  return m >= 15 ? 1000 * Math.exp((Math.log(6.4) / 27) * (m - 15)) : (200 * m) / 3;
}

/** numpy.linspace(start, stop, num) */
function linspace(start: number, stop: number, num: number): Float64Array {
  const out = new Float64Array(num);
  const step = (stop - start) / (num - 1);
  for (let i = 0; i < num; i++) out[i] = start + i * step;
  out[num - 1] = stop;
  return out;
}

/** A sparse mel filter: weights for bins `[first, first + weights.length)`. */
interface MelFilter {
  readonly first: number;
  readonly weights: Float64Array;
}

/** The reference's `_build_mel_filterbank(201, 80, 0, 8000, 16000)`, one sparse row per mel band. */
export function melFilterbank(): MelFilter[] {
  const melFreqs = linspace(hzToMelSlaney(0), hzToMelSlaney(WHISPER_SAMPLE_RATE / 2), N_MELS + 2);
  const filterFreqs = melFreqs.map(melToHzSlaney);
  const fftFreqs = linspace(0, Math.floor(WHISPER_SAMPLE_RATE / 2), N_BINS);
  const at = (a: Float64Array, i: number): number => a[i] ?? 0;
  const filters: MelFilter[] = [];
  for (let m = 0; m < N_MELS; m++) {
    const dLow = at(filterFreqs, m + 1) - at(filterFreqs, m);
    const dHigh = at(filterFreqs, m + 2) - at(filterFreqs, m + 1);
    const enorm = 2 / (at(filterFreqs, m + 2) - at(filterFreqs, m));
    const row = new Float64Array(N_BINS);
    let first = -1;
    let last = -1;
    for (let k = 0; k < N_BINS; k++) {
      const down = -(at(filterFreqs, m) - at(fftFreqs, k)) / dLow;
      const up = (at(filterFreqs, m + 2) - at(fftFreqs, k)) / dHigh;
      const w = Math.max(0, Math.min(down, up)) * enorm;
      row[k] = w;
      if (w > 0) {
        if (first < 0) first = k;
        last = k;
      }
    }
    filters.push(
      first < 0 ? { first: 0, weights: new Float64Array(0) } : { first, weights: row.slice(first, last + 1) },
    );
  }
  return filters;
}

/**
 * numpy's float32 pairwise summation (`pairwise_sum` in `loops_utils.h`: 8 accumulators up to blocks of
 * 128, halves above), every addition rounded to float32, so that the normalisation is bit-exact.
 */
export function pairwiseSum32(a: Float32Array, start: number, n: number): number {
  const f = Math.fround;
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res = f(res + (a[start + i] ?? 0));
    return res;
  }
  if (n <= 128) {
    let r0 = a[start] ?? 0;
    let r1 = a[start + 1] ?? 0;
    let r2 = a[start + 2] ?? 0;
    let r3 = a[start + 3] ?? 0;
    let r4 = a[start + 4] ?? 0;
    let r5 = a[start + 5] ?? 0;
    let r6 = a[start + 6] ?? 0;
    let r7 = a[start + 7] ?? 0;
    let i = 8;
    for (; i < n - (n % 8); i += 8) {
      const b = start + i;
      r0 = f(r0 + (a[b] ?? 0));
      r1 = f(r1 + (a[b + 1] ?? 0));
      r2 = f(r2 + (a[b + 2] ?? 0));
      r3 = f(r3 + (a[b + 3] ?? 0));
      r4 = f(r4 + (a[b + 4] ?? 0));
      r5 = f(r5 + (a[b + 5] ?? 0));
      r6 = f(r6 + (a[b + 6] ?? 0));
      r7 = f(r7 + (a[b + 7] ?? 0));
    }
    let res = f(f(f(r0 + r1) + f(r2 + r3)) + f(f(r4 + r5) + f(r6 + r7)));
    for (; i < n; i++) res = f(res + (a[start + i] ?? 0));
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return f(pairwiseSum32(a, start, n2) + pairwiseSum32(a, start + n2, n - n2));
}

/** Factors of {@link N_FFT} for the mixed-radix FFT, outermost first. */
const RADICES = [5, 5, 4, 4] as const;

/**
 * Computes Smart Turn's input features. One instance per worker; not re-entrant (the output buffer is
 * reused: copy it, or hand it to the model, before the next call).
 */
export class WhisperFeatures {
  readonly #window = new Float64Array(N_FFT);
  readonly #plan = fftPlan();
  readonly #filters: MelFilter[];
  /** The 8 s window, normalised, then reflect-padded. */
  readonly #padded = new Float64Array(SMART_TURN_SAMPLES + 2 * PAD);
  readonly #wave = new Float32Array(SMART_TURN_SAMPLES);
  readonly #scratch = new Float32Array(SMART_TURN_SAMPLES);
  readonly #frameIn = new Float64Array(N_FFT);
  readonly #re = new Float64Array(N_FFT);
  readonly #im = new Float64Array(N_FFT);
  readonly #tmpRe = new Float64Array(5);
  readonly #tmpIm = new Float64Array(5);
  readonly #power = new Float64Array(N_BINS);
  readonly #logMel = new Float64Array(N_MELS * N_FRAMES);
  readonly #out = new Float32Array(N_MELS * N_FRAMES);

  constructor() {
    for (let n = 0; n < N_FFT; n++) {
      // Periodic Hann (np.hanning(401)[:-1]).
      this.#window[n] = 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / N_FFT);
    }
    this.#filters = melFilterbank();
  }

  /**
   * Features of the last 8 s of `audio` (16 kHz mono; shorter input is zero-padded at the start). Returns a
   * view of an internal buffer: `[80][800]`, float32.
   */
  compute(audio: Float32Array): Float32Array {
    const n = Math.min(audio.length, SMART_TURN_SAMPLES);
    const lead = SMART_TURN_SAMPLES - n;
    const w = this.#wave;
    w.fill(0, 0, lead);
    w.set(audio.subarray(audio.length - n), lead);
    // Normalisation in float32 as numpy does it (the model is quantised: ulps matter): pairwise sums, the
    // mean, the variance of the deviations, then (x - mean) / sqrt(var + 1e-7).
    const mean = Math.fround(pairwiseSum32(w, 0, SMART_TURN_SAMPLES) / SMART_TURN_SAMPLES);
    const sq = this.#scratch;
    for (let i = 0; i < SMART_TURN_SAMPLES; i++) {
      const d = Math.fround((w[i] ?? 0) - mean);
      sq[i] = d * d;
    }
    const variance = Math.fround(pairwiseSum32(sq, 0, SMART_TURN_SAMPLES) / SMART_TURN_SAMPLES);
    const denom = Math.fround(Math.sqrt(Math.fround(variance + Math.fround(VARIANCE_EPS))));
    const x = this.#padded;
    for (let i = 0; i < SMART_TURN_SAMPLES; i++) x[PAD + i] = Math.fround(Math.fround((w[i] ?? 0) - mean) / denom);
    // Reflect padding (numpy 'reflect': the edge sample is not repeated).
    for (let i = 1; i <= PAD; i++) {
      x[PAD - i] = x[PAD + i] ?? 0;
      x[PAD + SMART_TURN_SAMPLES - 1 + i] = x[PAD + SMART_TURN_SAMPLES - 1 - i] ?? 0;
    }
    let max = Number.NEGATIVE_INFINITY;
    const logMel = this.#logMel;
    for (let f = 0; f < N_FRAMES; f++) {
      const start = f * HOP;
      for (let i = 0; i < N_FFT; i++) this.#frameIn[i] = (x[start + i] ?? 0) * (this.#window[i] ?? 0);
      this.#fft();
      for (let k = 0; k < N_BINS; k++) {
        const re = this.#re[k] ?? 0;
        const im = this.#im[k] ?? 0;
        this.#power[k] = re * re + im * im;
      }
      for (let m = 0; m < N_MELS; m++) {
        const filter = this.#filters[m];
        let acc = 0;
        if (filter) {
          const w = filter.weights;
          for (let j = 0; j < w.length; j++) acc += (w[j] ?? 0) * (this.#power[filter.first + j] ?? 0);
        }
        const v = Math.log10(Math.max(MEL_FLOOR, acc));
        logMel[m * N_FRAMES + f] = v;
        if (v > max) max = v;
      }
    }
    const floor = max - 8;
    const out = this.#out;
    for (let i = 0; i < out.length; i++) out[i] = (Math.max(logMel[i] ?? 0, floor) + 4) / 4;
    return out;
  }

  /** DFT of `#frameIn` into `#re/#im` (bins 0..200 are read): leaves in digit-reversed order, then stages. */
  #fft(): void {
    const re = this.#re;
    const im = this.#im;
    const input = this.#frameIn;
    const perm = this.#plan.perm;
    for (let i = 0; i < N_FFT; i++) {
      re[i] = input[perm[i] ?? 0] ?? 0;
      im[i] = 0;
    }
    const tr = this.#tmpRe;
    const ti = this.#tmpIm;
    for (const stage of this.#plan.stages) {
      const { p, m, size, cos, sin } = stage;
      for (let block = 0; block < N_FFT; block += size) {
        for (let k = 0; k < m; k++) {
          for (let q = 0; q < p; q++) {
            const at = block + q * m + k;
            tr[q] = re[at] ?? 0;
            ti[q] = im[at] ?? 0;
          }
          let t = k * p * p;
          for (let s = 0; s < p; s++) {
            let accRe = 0;
            let accIm = 0;
            for (let q = 0; q < p; q++, t++) {
              const c = cos[t] ?? 0;
              const sn = sin[t] ?? 0;
              const a = tr[q] ?? 0;
              const b = ti[q] ?? 0;
              accRe += a * c - b * sn;
              accIm += a * sn + b * c;
            }
            const at = block + k + s * m;
            re[at] = accRe;
            im[at] = accIm;
          }
        }
      }
    }
  }
}

/** One butterfly stage: radix `p`, sub-transforms of `m`, blocks of `size`; twiddles per (k, s, q). */
interface FftStage {
  readonly p: number;
  readonly m: number;
  readonly size: number;
  readonly cos: Float64Array;
  readonly sin: Float64Array;
}

/**
 * The mixed-radix plan for {@link N_FFT}: the input index of each leaf of the recursive decimation in time
 * (`perm`), and the stages from the innermost (smallest blocks) out.
 */
function fftPlan(): { perm: Int32Array; stages: FftStage[] } {
  const perm = new Int32Array(N_FFT);
  const fill = (offset: number, stride: number, size: number, outAt: number, level: number): void => {
    if (size === 1) {
      perm[outAt] = offset;
      return;
    }
    const p = RADICES[level] ?? 1;
    const m = size / p;
    for (let q = 0; q < p; q++) fill(offset + q * stride, stride * p, m, outAt + q * m, level + 1);
  };
  fill(0, 1, N_FFT, 0, 0);
  const stages: FftStage[] = [];
  let size = 1;
  for (let level = RADICES.length - 1; level >= 0; level--) {
    const p = RADICES[level] ?? 1;
    const m = size;
    size *= p;
    const cos = new Float64Array(m * p * p);
    const sin = new Float64Array(m * p * p);
    let t = 0;
    for (let k = 0; k < m; k++) {
      for (let s = 0; s < p; s++) {
        for (let q = 0; q < p; q++, t++) {
          // W_size^(q·(k + s·m)), exact modulo size.
          const e = (q * (k + s * m)) % size;
          cos[t] = Math.cos((2 * Math.PI * e) / size);
          sin[t] = -Math.sin((2 * Math.PI * e) / size);
        }
      }
    }
    stages.push({ p, m, size, cos, sin });
  }
  return { perm, stages };
}
