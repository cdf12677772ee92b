/**
 * Whisper's input features: the 80-bin log-mel spectrogram of one 30 s window of 16 kHz mono audio, as
 * openai/whisper `log_mel_spectrogram` + `pad_or_trim` compute it: the audio zero-padded to 30 s, a centred
 * STFT (reflect-padded start, 400-point periodic Hann window, hop 160), power spectrum, Slaney-style mel
 * filters (librosa `filters.mel(sr=16000, n_fft=400, n_mels=80)`, area-normalised), log10 floored at
 * 1e-10, clamped to (max - 8), then (x + 4) / 4. 3000 frames of 10 ms.
 *
 * Pure (no DOM, no Node): the browser worker can run it. Tables are built once per module.
 */

/** Input rate in Hz. */
export const WHISPER_SAMPLE_RATE = 16_000;
/** FFT and window length in samples (25 ms). */
export const N_FFT = 400;
/** Hop between frames in samples (10 ms). */
export const HOP_LENGTH = 160;
/** Mel bins. */
export const N_MELS = 80;
/** Frames per window (30 s). */
export const N_FRAMES = 3000;
/** Samples per window (30 s at 16 kHz). */
export const N_SAMPLES = N_FRAMES * HOP_LENGTH;

const BINS = N_FFT / 2 + 1;
/** Floor of the mel power before the log. */
const POWER_FLOOR = 1e-10;
/** Dynamic range kept below the loudest value, in log10 units (80 dB). */
const RANGE = 8;

/** One mel band: its weights over FFT bins `start .. start + weights.length - 1`. */
interface Band {
  start: number;
  weights: Float64Array;
}

const hzPerMelLinear = 200 / 3;
const logStart = 1000;
const melLogStart = logStart / hzPerMelLinear;
const logStep = Math.log(6.4) / 27;

/** Slaney's mel scale (linear below 1 kHz, logarithmic above), as librosa with `htk=False`. */
function hzToMel(hz: number): number {
  return hz < logStart ? hz / hzPerMelLinear : melLogStart + Math.log(hz / logStart) / logStep;
}

function melToHz(mel: number): number {
  return mel < melLogStart ? mel * hzPerMelLinear : logStart * Math.exp(logStep * (mel - melLogStart));
}

/**
 * The mel filter bank, `N_MELS x (N_FFT/2 + 1)` row-major, as librosa `filters.mel(sr=16000, n_fft=400,
 * n_mels=80)` (fmin 0, fmax 8 kHz, Slaney scale and area normalisation) computes it; Whisper ships the
 * same matrix as `mel_filters.npz`.
 */
export function melFilterBank(): Float64Array {
  const out = new Float64Array(N_MELS * BINS);
  const top = hzToMel(WHISPER_SAMPLE_RATE / 2);
  const edges = Array.from({ length: N_MELS + 2 }, (_, i) => melToHz((top * i) / (N_MELS + 1)));
  for (let m = 0; m < N_MELS; m++) {
    const [lo, mid, hi] = [edges[m] ?? 0, edges[m + 1] ?? 0, edges[m + 2] ?? 0];
    const norm = 2 / (hi - lo);
    for (let k = 0; k < BINS; k++) {
      const f = (k * WHISPER_SAMPLE_RATE) / N_FFT;
      const w = Math.max(0, Math.min((f - lo) / (mid - lo), (hi - f) / (hi - mid)));
      out[m * BINS + k] = w * norm;
    }
  }
  return out;
}

function bands(): Band[] {
  const bank = melFilterBank();
  return Array.from({ length: N_MELS }, (_, m) => {
    const row = bank.subarray(m * BINS, (m + 1) * BINS);
    let start = row.findIndex((w) => w > 0);
    if (start < 0) start = 0;
    let end = BINS;
    while (end > start && (row[end - 1] ?? 0) === 0) end--;
    return { start, weights: row.slice(start, end) };
  });
}

/**
 * A complex DFT of one fixed size by mixed-radix Cooley–Tukey (decimation in time, any factors; 400 =
 * 2·2·2·2·5·5 takes ~7,200 complex multiply-adds instead of 160,000). Allocates only in the constructor.
 */
class MixedRadixFft {
  readonly size: number;
  readonly #factors: number[];
  readonly #cos: Float64Array;
  readonly #sin: Float64Array;
  readonly #tmpRe: Float64Array;
  readonly #tmpIm: Float64Array;

  constructor(size: number) {
    this.size = size;
    this.#factors = [];
    for (let n = size, p = 2; n > 1;) {
      if (n % p === 0) {
        this.#factors.push(p);
        n /= p;
      } else p++;
    }
    this.#cos = new Float64Array(size);
    this.#sin = new Float64Array(size);
    for (let j = 0; j < size; j++) {
      this.#cos[j] = Math.cos((2 * Math.PI * j) / size);
      this.#sin[j] = -Math.sin((2 * Math.PI * j) / size);
    }
    const widest = Math.max(...this.#factors);
    this.#tmpRe = new Float64Array(widest);
    this.#tmpIm = new Float64Array(widest);
  }

  /** `out = DFT(input)` for real input of length `size` (`outRe`/`outIm` of length `size`). */
  transformReal(input: Float64Array, outRe: Float64Array, outIm: Float64Array): void {
    this.#step(input, 0, 1, this.size, outRe, outIm, 0, 0);
  }

  #step(
    input: Float64Array,
    inAt: number,
    stride: number,
    n: number,
    re: Float64Array,
    im: Float64Array,
    outAt: number,
    level: number,
  ): void {
    if (n === 1) {
      re[outAt] = input[inAt] ?? 0;
      im[outAt] = 0;
      return;
    }
    const p = this.#factors[level] ?? n;
    const m = n / p;
    for (let r = 0; r < p; r++) this.#step(input, inAt + r * stride, stride * p, m, re, im, outAt + r * m, level + 1);
    // Butterflies: X[k + q·m] = Σ_r W_n^(r·(k + q·m)) · S_r[k], with S_r[k] at outAt + r·m + k.
    const tw = this.size / n;
    const tRe = this.#tmpRe;
    const tIm = this.#tmpIm;
    for (let k = 0; k < m; k++) {
      for (let r = 0; r < p; r++) {
        tRe[r] = re[outAt + r * m + k] ?? 0;
        tIm[r] = im[outAt + r * m + k] ?? 0;
      }
      for (let q = 0; q < p; q++) {
        const kk = k + q * m;
        let sRe = 0;
        let sIm = 0;
        for (let r = 0; r < p; r++) {
          const j = (r * kk * tw) % this.size;
          const c = this.#cos[j] ?? 0;
          const s = this.#sin[j] ?? 0;
          const a = tRe[r] ?? 0;
          const b = tIm[r] ?? 0;
          sRe += a * c - b * s;
          sIm += a * s + b * c;
        }
        re[outAt + kk] = sRe;
        im[outAt + kk] = sIm;
      }
    }
  }
}

let tables: { window: Float64Array; bands: Band[]; fft: MixedRadixFft } | null = null;

function getTables(): { window: Float64Array; bands: Band[]; fft: MixedRadixFft } {
  tables ??= {
    window: Float64Array.from({ length: N_FFT }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / N_FFT)),
    bands: bands(),
    fft: new MixedRadixFft(N_FFT),
  };
  return tables;
}

/**
 * The log-mel spectrogram Whisper's encoder takes: `N_MELS x N_FRAMES` (80 x 3000) row-major, i.e. the
 * `[1, 80, 3000]` input tensor. `audio`: 16 kHz mono in [-1, 1], at most {@link N_SAMPLES} (30 s); shorter
 * audio is zero-padded. Throws a `RangeError` for longer audio. About 10 ms per second of audio (Node).
 */
export function logMelSpectrogram(audio: Float32Array): Float32Array {
  if (audio.length > N_SAMPLES) {
    throw new RangeError(
      `Whisper takes at most ${N_SAMPLES / WHISPER_SAMPLE_RATE} s of audio per window, got ${(audio.length / WHISPER_SAMPLE_RATE).toFixed(2)} s`,
    );
  }
  const { window, bands: melBands, fft } = getTables();
  const half = N_FFT / 2;
  // The centred STFT reflects the start (x[-i] = x[i]); past the audio the padded signal is zero.
  const sample = (i: number): number => audio[i < 0 ? -i : i] ?? 0;
  const frame = new Float64Array(N_FFT);
  const re = new Float64Array(N_FFT);
  const im = new Float64Array(N_FFT);
  const power = new Float64Array(BINS);
  const logMel = new Float32Array(N_MELS * N_FRAMES).fill(Math.log10(POWER_FLOOR));
  // Frames whose window lies wholly in the zero padding keep the floor value.
  const lastFrame = Math.min(N_FRAMES - 1, Math.floor((audio.length - 1 + half) / HOP_LENGTH));
  let max = -Infinity;
  for (let t = 0; t <= lastFrame; t++) {
    const at = t * HOP_LENGTH - half;
    for (let i = 0; i < N_FFT; i++) frame[i] = sample(at + i) * (window[i] ?? 0);
    fft.transformReal(frame, re, im);
    for (let k = 0; k < BINS; k++) power[k] = (re[k] ?? 0) ** 2 + (im[k] ?? 0) ** 2;
    for (let m = 0; m < N_MELS; m++) {
      const band = melBands[m];
      if (!band) continue;
      let e = 0;
      for (let j = 0; j < band.weights.length; j++) e += (band.weights[j] ?? 0) * (power[band.start + j] ?? 0);
      const v = Math.log10(Math.max(e, POWER_FLOOR));
      logMel[m * N_FRAMES + t] = v;
      if (v > max) max = v;
    }
  }
  max = Math.max(max, Math.log10(POWER_FLOOR));
  const floor = max - RANGE;
  for (let i = 0; i < logMel.length; i++) logMel[i] = (Math.max(logMel[i] ?? 0, floor) + 4) / 4;
  return logMel;
}
